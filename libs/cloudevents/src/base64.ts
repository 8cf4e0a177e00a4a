// RFC 4648 section 4 alphabet, padding only at the end. Buffer.from(s, 'base64') never fails: it
// skips what it does not know, so an event with garbage in data_base64 would decode to garbage.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isBase64(value: string): boolean {
  if (!BASE64.test(value)) return false;
  const padded = value.endsWith('=');
  return padded ? value.length % 4 === 0 : value.length % 4 !== 1;
}

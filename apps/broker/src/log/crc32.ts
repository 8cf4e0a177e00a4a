import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE), as zlib computes it. node:zlib has crc32 from Node 20.15; the package allows any
 * Node 20, so older ones get the classic table-driven version, which gives the same numbers.
 */
export const crc32: (data: Uint8Array) => number =
  typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : tableCrc32;

let table: Uint32Array | undefined;

export function tableCrc32(data: Uint8Array): number {
  table ??= buildTable();
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function buildTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

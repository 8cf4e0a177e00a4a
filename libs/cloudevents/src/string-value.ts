/**
 * The CloudEvents `String` type forbids control characters (U+0000-U+001F, U+007F-U+009F),
 * Unicode noncharacters and unpaired surrogates. Returns the index of the first such code unit,
 * or -1. Printable ASCII, nearly every attribute value, takes the first branch only.
 */
export function disallowedCharIndex(value: string): number {
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c < 0x20 || c <= 0x9f) return i;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < length) {
        const low = value.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          // U+nFFFE and U+nFFFF are noncharacters in every plane.
          if ((low & 0x3fe) === 0x3fe && (c & 0x3f) === 0x3f) return i;
          i++;
          continue;
        }
      }
      return i;
    }
    if ((c >= 0xfdd0 && c <= 0xfdef) || c >= 0xfffe) return i;
  }
  return -1;
}

/** "U+000A" for the code unit at `index`, for error messages. */
export function codeUnitName(value: string, index: number): string {
  return `U+${value.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

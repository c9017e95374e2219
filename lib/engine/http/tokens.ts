/**
 * RFC 9110 `tchar`: the characters a header name or a method may contain.
 * A lookup table keeps the per-request check to one array read per character.
 */
const TCHAR: readonly boolean[] = (() => {
  const table = new Array<boolean>(128).fill(false);
  for (let code = 0; code < 128; code++) {
    const isAlphaNumeric =
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a);
    table[code] = isAlphaNumeric || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(code));
  }
  return table;
})();

/** Whether `code` (a UTF-16 unit) is an RFC 9110 `tchar`. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TCHAR[code] === true;
}

/** Whether `value` is a non-empty RFC 9110 token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isTokenChar(value.charCodeAt(i))) return false;
  }
  return true;
}

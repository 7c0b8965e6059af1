/**
 * The text of scalars as Python's `json.dumps` writes them (strings with `ensure_ascii`, ints,
 * float `repr`), and Python's `str` order. `pyjson.ts` re-exports the public ones.
 */

/**
 * Compares two strings as Python compares `str`: by code point. A surrogate pair is one code
 * point above U+FFFF, while JS's `<` would put it before U+E000–U+FFFF; a lone surrogate is its
 * own code point (Python strings can hold those, e.g. from `json.loads('"\\ud800"')`).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0xd800 || cb < 0xd800) return ca - cb;
    // Both units are high: compare whole code points. If unit i - 1 is a high surrogate, it
    // starts the code point in either string unless it is lone in both (then i starts one).
    if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) {
      const diff = (a.codePointAt(i - 1) ?? 0) - (b.codePointAt(i - 1) ?? 0);
      if (diff !== 0) return diff;
    }
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

// Everything except printable ASCII minus `"` and `\`.
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

/**
 * A JSON string literal as Python writes it with `ensure_ascii=True`: short escapes for `"`, `\`
 * and `\n \r \t \b \f`, `\uXXXX` (lowercase hex) for every other unit outside U+0020–U+007E.
 * JS strings are UTF-16, so non-BMP characters come out as surrogate pairs, as in Python.
 */
export function pyjsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    if (i > runStart) out += s.slice(runStart, i);
    out += SHORT_ESCAPES[c] ?? '\\u' + c.toString(16).padStart(4, '0');
    runStart = i + 1;
  }
  return out + s.slice(runStart) + '"';
}

/** Python int digits for an integral JS number (beyond 1e21 JS itself would switch to `e`). */
export function intDigits(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JS finds them), in fixed
 * notation when the decimal exponent is in [-4, 16), else `d.ddde±XX` with at least two exponent
 * digits; `.0` for integral values; `NaN`, `Infinity`, `-Infinity` as `json.dumps` writes them.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  // toExponential() without an argument gives the same shortest digits as toString().
  const sci = Math.abs(x).toExponential();
  const e = sci.indexOf('e');
  const digits = sci.slice(0, e).replace('.', '');
  const exp = Number(sci.slice(e + 1));
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const expDigits = String(Math.abs(exp)).padStart(2, '0');
    return sign + mantissa + 'e' + (exp < 0 ? '-' : '+') + expDigits;
  }
  if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length) + '.0';
  return sign + digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

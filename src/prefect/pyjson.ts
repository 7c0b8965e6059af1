import { PyFloat, type PyJsonValue } from './py-value.js';

export { parsePyJson, type ParsePyJsonOptions } from './pyjson-parse.js';

/** Options of `pyjsonDumps`, named after Python's `json.dumps` arguments. */
export interface PyJsonDumpsOptions {
  /** Python's `sort_keys`: sort object keys by Unicode code point, recursively. */
  sortKeys?: boolean | undefined;
  /** Python's `indent` (a number of spaces; `0` still breaks lines). Omitted: one line. */
  indent?: number | undefined;
}

/**
 * Renders a value exactly as Python 3's `json.dumps(value, sort_keys=..., indent=...)` does with
 * its defaults (`ensure_ascii=True`, `allow_nan=True`, separators `", "`/`": "`, or `","`/`": "`
 * with an indent). A JS integer (or bigint) is a Python int; a `PyFloat` or a non-integer number
 * is a Python float, written with Python's `repr`.
 *
 * Plain objects iterate integer-like keys first (a JS rule); pass a `Map` where Python's
 * insertion order must be kept for such keys. With `sortKeys` the order does not matter.
 *
 * @returns pure ASCII JSON text, without a trailing newline.
 * @throws TypeError for values JSON cannot hold (undefined, functions, symbols, class instances
 *   other than `PyFloat`/`Map`, non-string `Map` keys). Cycles are not detected.
 */
export function pyjsonDumps(value: PyJsonValue, options: PyJsonDumpsOptions = {}): string {
  const parts: string[] = [];
  const indent = options.indent;
  if (indent !== undefined && (!Number.isInteger(indent) || indent < 0)) {
    throw new TypeError(`indent must be a non-negative integer, got ${String(indent)}`);
  }
  const writer: Writer = {
    parts,
    sortKeys: options.sortKeys === true,
    indent: indent === undefined ? undefined : ' '.repeat(indent),
  };
  write(writer, value, 0);
  return parts.join('');
}

interface Writer {
  parts: string[];
  sortKeys: boolean;
  /** One level of indentation, or undefined for the one-line form. */
  indent: string | undefined;
}

function write(w: Writer, value: PyJsonValue, depth: number): void {
  switch (typeof value) {
    case 'string':
      w.parts.push(pyjsonString(value));
      return;
    case 'number':
      w.parts.push(Number.isInteger(value) ? intDigits(value) : pyFloatRepr(value));
      return;
    case 'bigint':
      w.parts.push(value.toString());
      return;
    case 'boolean':
      w.parts.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) w.parts.push('null');
      else if (Array.isArray(value)) writeArray(w, value, depth);
      else if (value instanceof PyFloat) w.parts.push(pyFloatRepr(value.value));
      else if (value instanceof Map) writeEntries(w, mapEntries(value), depth);
      else if (isPlainObject(value)) writeEntries(w, Object.entries(value), depth);
      else throw new TypeError(`Object of type ${value.constructor.name} is not JSON serializable`);
      return;
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
}

function writeArray(w: Writer, items: PyJsonValue[], depth: number): void {
  if (items.length === 0) {
    w.parts.push('[]');
    return;
  }
  const [open, sep, close] = brackets(w, '[', ']', depth);
  w.parts.push(open);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) w.parts.push(sep);
    // A hole in a sparse array reads as undefined, which write() rejects like Python would.
    write(w, items[i] as PyJsonValue, depth + 1);
  }
  w.parts.push(close);
}

function writeEntries(w: Writer, entries: [string, PyJsonValue][], depth: number): void {
  if (entries.length === 0) {
    w.parts.push('{}');
    return;
  }
  if (w.sortKeys) sortEntries(entries);
  const [open, sep, close] = brackets(w, '{', '}', depth);
  w.parts.push(open);
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i] as [string, PyJsonValue];
    if (i > 0) w.parts.push(sep);
    w.parts.push(pyjsonString(key), ': ');
    write(w, item, depth + 1);
  }
  w.parts.push(close);
}

/** Python's separators: `", "` on one line; with an indent, `","` then newline and indent. */
function brackets(w: Writer, open: string, close: string, depth: number): [string, string, string] {
  if (w.indent === undefined) return [open, ', ', close];
  const inner = '\n' + w.indent.repeat(depth + 1);
  return [open + inner, ',' + inner, '\n' + w.indent.repeat(depth) + close];
}

function mapEntries(map: Map<unknown, PyJsonValue>): [string, PyJsonValue][] {
  const entries: [string, PyJsonValue][] = [];
  for (const [key, item] of map) {
    if (typeof key !== 'string') throw new TypeError(`Map keys must be strings, got ${typeof key}`);
    entries.push([key, item]);
  }
  return entries;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// Code units at or above U+D800 are where UTF-16 order and code point order can disagree.
const HIGH_UNITS = /[\ud800-\uffff]/;

/** Sorts by key in Python's `str` order (code points), fast path when UTF-16 order agrees. */
function sortEntries(entries: [string, PyJsonValue][]): void {
  if (entries.some(([key]) => HIGH_UNITS.test(key))) {
    entries.sort((a, b) => compareCodePoints(a[0], b[0]));
  } else {
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

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
function intDigits(n: number): string {
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

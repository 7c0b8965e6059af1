/**
 * Differential check of `pyjsonDumps` against the implementation it replaced (a plain parts array
 * and `Object.entries`, kept below verbatim as the reference): same text for any JSON-ish value
 * and options, and the same TypeError for what JSON cannot hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PyFloat, type PyJsonValue } from '../../src/prefect/py-value.js';
import { pyjsonDumps, type PyJsonDumpsOptions } from '../../src/prefect/pyjson.js';

// Units where escaping and code point order are tricky: surrogates (lone and paired), units
// around U+D800/U+E000/U+FFFF, controls, quote, backslash, DEL, non-ASCII, digits.
const trickyUnit = fc.constantFrom(
  'a', 'b', 'z', '0', '1', '9', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\x00', '\x1f', '\x7f',
  '\u00e9', '\u2028', '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\uffff', '\ud83d', '\ude00',
);
const trickyString = fc.array(trickyUnit, { maxLength: 8 }).map((units) => units.join(''));
const anyString = fc.oneof(trickyString, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
// Keys collide often (small alphabet), include integer-like keys (JS reorders those in plain
// objects, the same for both implementations), `__proto__`, and the keys flows repeat.
const key = fc.oneof(
  fc.array(trickyUnit, { maxLength: 3 }).map((units) => units.join('')),
  fc.string({ unit: 'binary', maxLength: 5 }),
  fc.constantFrom('type', 'name', '__version__', 'slug', '__proto__', '0', '1', '10', '4294967295', '-1', '01'),
);

const number = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1e21, 1e300),
  fc.double(),
);
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  number,
  fc.bigInt(),
  fc.double().map((d) => new PyFloat(d)),
  anyString,
);

/** A plain object with these own keys in this order (`__proto__` as an own key too). */
function plainObject(entries: [string, PyJsonValue][], nullProto: boolean): PyJsonValue {
  const object = (nullProto ? Object.create(null) : {}) as Record<string, PyJsonValue>;
  for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
  return object;
}

const value = fc.letrec<{ value: PyJsonValue }>((tie) => {
  // Up to 24 entries: objects over 16 keys take another sort path.
  const entries = fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 24, selector: ([k]) => k, depthIdentifier: 'value' });
  return {
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('value'), { maxLength: 5, depthIdentifier: 'value' }),
      fc.tuple(entries, fc.boolean()).map(([e, nullProto]) => plainObject(e, nullProto)),
      entries.map((e) => new Map(e)),
    ),
  };
}).value;

const options = fc.record(
  { sortKeys: fc.constantFrom(true, false, undefined), indent: fc.constantFrom(undefined, 0, 1, 2, 4) },
  { requiredKeys: [] },
);

/** The text, or the TypeError message prefixed with `TypeError: `. */
function outcome(dumps: (v: PyJsonValue, o?: PyJsonDumpsOptions) => string, v: PyJsonValue, o: PyJsonDumpsOptions): string {
  try {
    return dumps(v, o);
  } catch (error) {
    if (error instanceof TypeError) return `TypeError: ${error.message}`;
    throw error;
  }
}

class Point {
  constructor(readonly x: number) {}
}

describe('pyjsonDumps against the reference implementation', () => {
  it('writes the same text for any value and options', () => {
    fc.assert(
      fc.property(value, options, (v, o) => {
        expect(pyjsonDumps(v, o)).toBe(referenceDumps(v, o));
      }),
      { numRuns: 3000 },
    );
  });

  it('sorts large objects the same (over 16 keys)', () => {
    const big = fc.uniqueArray(fc.tuple(key, scalar), { minLength: 17, maxLength: 40, selector: ([k]) => k });
    fc.assert(
      fc.property(big, fc.boolean(), (entries, asMap) => {
        const v = asMap ? new Map(entries) : plainObject(entries, false);
        expect(pyjsonDumps(v, { sortKeys: true })).toBe(referenceDumps(v, { sortKeys: true }));
      }),
      { numRuns: 300 },
    );
  });

  it('throws the same TypeError for a value JSON cannot hold, wherever it sits', () => {
    const bad = fc.constantFrom<() => unknown>(
      () => undefined,
      () => () => 1,
      () => Symbol('s'),
      () => new Point(1),
      () => new Date(0),
      () => new Map<unknown, unknown>([[1, 'a']]),
      () => new Set([1]),
    );
    // Plant the bad value at a random place of a generated value (replacing a scalar).
    const withBad = fc.tuple(value, bad, fc.nat()).map(([v, make, at]) => plant(v, make() as PyJsonValue, at));
    fc.assert(
      fc.property(withBad, options, (v, o) => {
        const expected = outcome(referenceDumps, v, o);
        expect(outcome(pyjsonDumps, v, o)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays right past the key cache bounds (many keys, long keys, dumped twice)', () => {
    const entries = Array.from({ length: 5000 }, (_, i): [string, PyJsonValue] => [`k${i}\u00e9`.repeat(1 + (i % 30)), i]);
    const v = plainObject(entries, false);
    for (const o of [{ sortKeys: true }, {}, { sortKeys: true }]) expect(pyjsonDumps(v, o)).toBe(referenceDumps(v, o));
  });

  it('keeps the reference behaviour on edge cases', () => {
    const cases: [PyJsonValue, PyJsonDumpsOptions][] = [
      [{}, { indent: 2 }],
      [[], { indent: 0 }],
      [[[], {}, new Map()], { indent: 0, sortKeys: true }],
      [new Map<string, PyJsonValue>([['b', 1], ['a', [new PyFloat(1), new PyFloat(NaN), -Infinity, 2 ** 70]]]), { sortKeys: false, indent: 3 }],
      [plainObject([['\ud83d\ude00', 1], ['\uffff', 2], ['\ud800', 3], ['\ue000', 4]], false), { sortKeys: true }],
      // Over 16 keys, where a surrogate pair must sort after U+E000-U+FFFF.
      [plainObject(Array.from({ length: 40 }, (_, i) => [['\ud83d\ude00', '\uffff', '\ue000', 'a'][i % 4] + String(i), i]), true), { sortKeys: true }],
      [{ a: [1, { b: null }], c: 'x' }, { indent: 2, sortKeys: true }],
    ];
    for (const [v, o] of cases) expect(pyjsonDumps(v, o)).toBe(referenceDumps(v, o));
  });
});

/** Replaces the `at`-th scalar (counting depth-first, modulo their number) with `bad`. */
function plant(v: PyJsonValue, bad: PyJsonValue, at: number): PyJsonValue {
  let count = 0;
  const countScalars = (x: PyJsonValue): void => {
    if (Array.isArray(x)) x.forEach(countScalars);
    else if (x instanceof Map) x.forEach(countScalars);
    else if (typeof x === 'object' && x !== null && !(x instanceof PyFloat)) Object.values(x).forEach(countScalars);
    else count++;
  };
  countScalars(v);
  let target = at % count;
  const replace = (x: PyJsonValue): PyJsonValue => {
    if (Array.isArray(x)) return x.map(replace);
    if (x instanceof Map) return new Map([...x].map(([k, y]) => [k, replace(y)]));
    if (typeof x === 'object' && x !== null && !(x instanceof PyFloat)) {
      return plainObject(Object.entries(x).map(([k, y]) => [k, replace(y)]), Object.getPrototypeOf(x) === null);
    }
    return target-- === 0 ? bad : x;
  };
  return replace(v);
}

// ---------------------------------------------------------------------------------------------
// Reference: src/prefect/pyjson.ts as it was before the accumulator rewrite (test-only copy).
// ---------------------------------------------------------------------------------------------

function referenceDumps(value: PyJsonValue, options: PyJsonDumpsOptions = {}): string {
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
function compareCodePoints(a: string, b: string): number {
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
function pyjsonString(s: string): string {
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
function pyFloatRepr(x: number): string {
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

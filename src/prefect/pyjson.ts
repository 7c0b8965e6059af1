import { PyFloat, type PyJsonValue } from './py-value.js';
import { compareCodePoints, intDigits, pyFloatRepr, pyjsonString } from './pyjson-text.js';

export { parsePyJson, type ParsePyJsonOptions } from './pyjson-parse.js';
export { compareCodePoints, pyFloatRepr, pyjsonString } from './pyjson-text.js';

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
  const indent = options.indent;
  if (indent !== undefined && (!Number.isInteger(indent) || indent < 0)) {
    throw new TypeError(`indent must be a non-negative integer, got ${String(indent)}`);
  }
  const dumper = new Dumper(options.sortKeys === true, indent === undefined ? '' : ' '.repeat(indent));
  if (indent === undefined) dumper.line(value);
  else dumper.block(value, '\n');
  return dumper.out;
}

/**
 * Writes into one string accumulator (V8 ropes make `+=` cheap), with two walks: `line` for the
 * one-line form and `block` for the indented one, so neither tests for the other per value.
 */
class Dumper {
  out = '';

  constructor(
    private readonly sortKeys: boolean,
    /** One level of indentation (only `block` uses it). */
    private readonly unit: string,
  ) {}

  /** One-line form: separators `", "` and `": "`. */
  line(value: PyJsonValue): void {
    if (typeof value !== 'object' || value === null) {
      this.out += scalarText(value);
    } else if (Array.isArray(value)) {
      const n = value.length;
      if (n === 0) {
        this.out += '[]';
        return;
      }
      this.out += '[';
      // A hole in a sparse array reads as undefined, which scalarText() rejects like Python would.
      this.line(value[0] as PyJsonValue);
      for (let i = 1; i < n; i++) {
        this.out += ', ';
        this.line(value[i] as PyJsonValue);
      }
      this.out += ']';
    } else if (value instanceof PyFloat) {
      this.out += pyFloatRepr(value.value);
    } else if (value instanceof Map) {
      this.lineMap(value);
    } else {
      const keys = objectKeys(value, this.sortKeys);
      const n = keys.length;
      if (n === 0) {
        this.out += '{}';
        return;
      }
      const record = value as Record<string, PyJsonValue>;
      let key = keys[0] as string;
      this.out += '{' + keyText(key);
      this.line(record[key] as PyJsonValue);
      for (let i = 1; i < n; i++) {
        key = keys[i] as string;
        this.out += ', ' + keyText(key);
        this.line(record[key] as PyJsonValue);
      }
      this.out += '}';
    }
  }

  private lineMap(map: Map<unknown, PyJsonValue>): void {
    if (map.size === 0) {
      this.out += '{}';
      return;
    }
    const keys = mapKeys(map, this.sortKeys);
    this.out += '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) this.out += ', ';
      this.out += keyText(key);
      this.line(map.get(key) as PyJsonValue);
    }
    this.out += '}';
  }

  /**
   * Indented form: `nl` is a newline plus the indentation of the current depth. Python's
   * separators here are `","` then a newline and one more level, and `": "`.
   */
  block(value: PyJsonValue, nl: string): void {
    if (typeof value !== 'object' || value === null) {
      this.out += scalarText(value);
    } else if (Array.isArray(value)) {
      const n = value.length;
      if (n === 0) {
        this.out += '[]';
        return;
      }
      const inner = nl + this.unit;
      this.out += '[' + inner;
      this.block(value[0] as PyJsonValue, inner);
      for (let i = 1; i < n; i++) {
        this.out += ',' + inner;
        this.block(value[i] as PyJsonValue, inner);
      }
      this.out += nl + ']';
    } else if (value instanceof PyFloat) {
      this.out += pyFloatRepr(value.value);
    } else if (value instanceof Map) {
      this.blockMap(value, nl);
    } else {
      const keys = objectKeys(value, this.sortKeys);
      const n = keys.length;
      if (n === 0) {
        this.out += '{}';
        return;
      }
      const record = value as Record<string, PyJsonValue>;
      const inner = nl + this.unit;
      for (let i = 0; i < n; i++) {
        const key = keys[i] as string;
        this.out += (i === 0 ? '{' : ',') + inner + keyText(key);
        this.block(record[key] as PyJsonValue, inner);
      }
      this.out += nl + '}';
    }
  }

  private blockMap(map: Map<unknown, PyJsonValue>, nl: string): void {
    if (map.size === 0) {
      this.out += '{}';
      return;
    }
    const keys = mapKeys(map, this.sortKeys);
    const inner = nl + this.unit;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      this.out += (i === 0 ? '{' : ',') + inner + keyText(key);
      this.block(map.get(key) as PyJsonValue, inner);
    }
    this.out += nl + '}';
  }
}

/** Text of a value that is not an object (or is null); TypeError for what JSON cannot hold. */
function scalarText(value: PyJsonValue): string {
  switch (typeof value) {
    case 'string':
      return pyjsonString(value);
    case 'number':
      // Integers below 2**31 first: the common case, and String() of them is exact.
      if ((value | 0) === value) return String(value);
      return Number.isInteger(value) ? intDigits(value) : pyFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

/** Own keys of a plain object, in Python's `sort_keys` order when asked. */
function objectKeys(value: object, sort: boolean): string[] {
  if (!isPlainObject(value)) {
    throw new TypeError(`Object of type ${value.constructor.name} is not JSON serializable`);
  }
  const keys = Object.keys(value);
  return sort ? sortKeys(keys) : keys;
}

/** Keys of a Map (which must all be strings), in insertion or `sort_keys` order. */
function mapKeys(map: Map<unknown, PyJsonValue>, sort: boolean): string[] {
  const keys: string[] = [];
  for (const key of map.keys()) {
    if (typeof key !== 'string') throw new TypeError(`Map keys must be strings, got ${typeof key}`);
    keys.push(key);
  }
  return sort ? sortKeys(keys) : keys;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// Rendered keys with their `": "`: flows repeat a small vocabulary ("name", "type", "slug", ...),
// and a lookup is cheaper than escaping again. Bounded: short keys only, cleared when full.
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_LIMIT = 4096;
const KEY_CACHE_MAX_LENGTH = 64;

/** `pyjsonString(key) + ': '`. */
function keyText(key: string): string {
  let text = KEY_CACHE.get(key);
  if (text === undefined) {
    text = pyjsonString(key) + ': ';
    if (key.length <= KEY_CACHE_MAX_LENGTH) {
      if (KEY_CACHE.size >= KEY_CACHE_LIMIT) KEY_CACHE.clear();
      KEY_CACHE.set(key, text);
    }
  }
  return text;
}

/**
 * Sorts distinct keys in Python's `str` order (code points), in place. Objects have few keys and
 * often come in order already, which an insertion sort checks in n - 1 comparisons.
 */
function sortKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 16) return keys.sort(compareCodePoints);
  for (let i = 1; i < n; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && compareCodePoints(keys[j] as string, key) > 0) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

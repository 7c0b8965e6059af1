import { PyFloat, isArrayIndexKey, type PyJsonValue, type PyValue } from './py-value.js';

/** Options of `parsePyJson`. */
export interface ParsePyJsonOptions {
  /**
   * Return a `Map` for each object with an integer-like key, so that dumping it again without
   * `sortKeys` keeps Python's key order (plain JS objects put such keys first).
   */
  orderedObjects?: boolean | undefined;
}

/**
 * Parses JSON as Python's `json.loads` does, keeping what JSON.parse loses: a number with `.` or
 * an exponent is a `PyFloat`, any other number an int (a `number`, or a `bigint` beyond
 * `Number.MAX_SAFE_INTEGER`). Accepts Python's `NaN`, `Infinity` and `-Infinity`. Objects are
 * plain objects in insertion order, except that JS puts integer-like keys first (see
 * `orderedObjects`); a repeated key keeps its first position and its last value, as in Python.
 *
 * @throws Error with Python-like position details (`line L column C (char N)`) on invalid JSON.
 */
export function parsePyJson(text: string): PyValue;
export function parsePyJson(text: string, options: ParsePyJsonOptions): PyJsonValue;
export function parsePyJson(text: string, options: ParsePyJsonOptions = {}): PyJsonValue {
  const parser = new Parser(text, options.orderedObjects === true);
  parser.skipWhitespace();
  const value = parser.value();
  parser.skipWhitespace();
  if (parser.pos < text.length) parser.fail('Extra data');
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly ordered: boolean,
  ) {}

  fail(what: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new Error(`${what}: line ${line} column ${column} (char ${at})`);
  }

  skipWhitespace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  value(): PyJsonValue {
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 'n':
        return this.literal('null', null);
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'N':
        return this.literal('NaN', new PyFloat(NaN));
      case 'I':
        return this.literal('Infinity', new PyFloat(Infinity));
      default:
        if (c === '-' && t.startsWith('-Infinity', this.pos)) {
          return this.literal('-Infinity', new PyFloat(-Infinity));
        }
        return this.number();
    }
  }

  private literal(word: string, result: PyJsonValue): PyJsonValue {
    if (!this.text.startsWith(word, this.pos)) this.fail('Expecting value');
    this.pos += word.length;
    return result;
  }

  private number(): PyJsonValue {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('Expecting value');
    const literal = match[0];
    this.pos += literal.length;
    if (match[1] !== undefined || match[2] !== undefined) return new PyFloat(Number(literal));
    const n = Number(literal);
    // `-0` is the int 0 in Python; a JS -0 would only confuse equality checks.
    if (n === 0) return 0;
    return Number.isSafeInteger(n) ? n : BigInt(literal);
  }

  private string(): string {
    const t = this.text;
    let p = this.pos + 1;
    let out = '';
    let runStart = p;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x22) break;
      if (c !== 0x5c) {
        if (Number.isNaN(c)) this.fail('Unterminated string starting at', this.pos);
        // Python's json.loads is strict by default: raw control characters are errors.
        if (c < 0x20) this.fail('Invalid control character at', p);
        p++;
        continue;
      }
      out += t.slice(runStart, p);
      const e = t[p + 1];
      if (e === 'u') {
        const hex = t.slice(p + 2, p + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape', p + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        p += 6;
      } else {
        const short = e === undefined ? undefined : ESCAPES[e];
        if (short === undefined) this.fail('Invalid \\escape', p);
        out += short;
        p += 2;
      }
      runStart = p;
    }
    this.pos = p + 1;
    return out + t.slice(runStart, p);
  }

  private array(): PyJsonValue[] {
    this.pos++;
    const items: PyJsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value());
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === ']') return items;
      if (c !== ',') this.fail("Expecting ',' delimiter", this.pos - 1);
    }
  }

  private object(): PyJsonValue {
    this.pos++;
    const entries: [string, PyJsonValue][] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return {};
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') {
        this.fail('Expecting property name enclosed in double quotes');
      }
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("Expecting ':' delimiter");
      this.pos++;
      this.skipWhitespace();
      entries.push([key, this.value()]);
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === '}') break;
      if (c !== ',') this.fail("Expecting ',' delimiter", this.pos - 1);
    }
    if (this.ordered && entries.some(([key]) => isArrayIndexKey(key))) return new Map(entries);
    return toObject(entries);
  }
}

function toObject(entries: [string, PyJsonValue][]): { [key: string]: PyJsonValue } {
  const obj: { [key: string]: PyJsonValue } = {};
  for (const [key, item] of entries) {
    // Plain assignment of "__proto__" would set the prototype instead of a property.
    if (key === '__proto__') {
      Object.defineProperty(obj, key, { value: item, enumerable: true, writable: true, configurable: true });
    } else {
      obj[key] = item;
    }
  }
  return obj;
}

/**
 * Python's `repr()` and `str()` for the values the loader knows exactly. Returns undefined when
 * the text is not certain (unknown values, non-ASCII characters whose printability depends on
 * the Unicode tables of the interpreter), so callers can refuse.
 */
import { pyFloatRepr } from '../../prefect/pyjson.js';
import type { Value } from './values.js';

/** Python `repr(float)`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return pyFloatRepr(x);
}

/** True when every character is ASCII. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Python `repr(str)` for ASCII text; undefined when the text has non-ASCII characters. */
export function strRepr(s: string): string | undefined {
  if (!isAscii(s)) return undefined;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** The shortest `repr()` a string can have (every character printable), in code points. */
export function minStrReprLength(s: string): number {
  return [...s].length + 2;
}

/** Python `repr(v)`, or undefined when not certain. */
export function reprOf(v: Value, depth = 0): string | undefined {
  if (depth > 50) return undefined;
  switch (v.kind) {
    case 'none': return 'None';
    case 'bool': return v.v ? 'True' : 'False';
    case 'int': return v.v.toString();
    case 'float': return floatRepr(v.v);
    case 'str': return strRepr(v.v);
    case 'list': return seq('[', ']', v.items, depth);
    case 'tuple': return v.items.length === 1 ? wrapOne(v.items[0], depth) : seq('(', ')', v.items, depth);
    case 'dict': {
      const parts: string[] = [];
      for (const { k, v: val } of v.map.values()) {
        const a = reprOf(k, depth + 1);
        const b = reprOf(val, depth + 1);
        if (a === undefined || b === undefined) return undefined;
        parts.push(`${a}: ${b}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'set':
      // Set order follows hashes (randomized for str): only the empty set is certain.
      return v.map.size === 0 ? 'set()' : undefined;
    default:
      return undefined;
  }
}

function wrapOne(item: Value | undefined, depth: number): string | undefined {
  if (!item) return undefined;
  const r = reprOf(item, depth + 1);
  return r === undefined ? undefined : `(${r},)`;
}

function seq(open: string, close: string, items: readonly Value[], depth: number): string | undefined {
  const parts: string[] = [];
  for (const item of items) {
    const r = reprOf(item, depth + 1);
    if (r === undefined) return undefined;
    parts.push(r);
  }
  return open + parts.join(', ') + close;
}

/** Python `str(v)`, or undefined when not certain. */
export function strOf(v: Value): string | undefined {
  if (v.kind === 'str') return v.v;
  return reprOf(v);
}

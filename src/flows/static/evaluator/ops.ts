/**
 * Python semantics for plain values: truthiness, equality, ordering, hashing (dict keys) and
 * arithmetic on int (unbounded), float (IEEE double, like CPython), str, list and tuple.
 * Anything outside these returns `undefined` so the caller can refuse.
 */
import { compareCodePoints } from '../../../prefect/pyjson.js';
import { raisePy } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { pyBool, pyFloatV, pyInt, pyList, pyStr, pyTuple, type Value } from '../values.js';

const MAX_SEQ = 1_000_000;

/** Python truthiness for kinds where it is certain; undefined otherwise. */
export function truthOf(v: Value): boolean | undefined {
  switch (v.kind) {
    case 'none': return false;
    case 'bool': return v.v;
    case 'int': return v.v !== 0n;
    case 'float': return v.v !== 0;
    case 'str': return v.v.length > 0;
    case 'list': case 'tuple': return v.items.length > 0;
    case 'dict': case 'set': return v.map.size > 0;
    case 'func': case 'class': case 'builtin': case 'module': case 'flow': case 'task': return true;
    case 'native':
      if (v.type === 'timedelta') return (v.data as bigint) !== 0n;
      if (v.type === 'range') return rangeLength(v.data as RangeData) > 0;
      if (v.type === 'view') return (v.data as ViewData).items.length > 0;
      if (v.type === 'iter') return true;
      return true;
    default: return undefined;
  }
}

export interface RangeData { start: bigint; stop: bigint; step: bigint }
export interface ViewData { items: Value[]; what: 'dict_keys' | 'dict_values' | 'dict_items' }

export function rangeLength(r: RangeData): number {
  const { start, stop, step } = r;
  let n: bigint;
  if (step > 0n) n = stop > start ? (stop - start + step - 1n) / step : 0n;
  else n = start > stop ? (start - stop - step - 1n) / -step : 0n;
  return n > BigInt(MAX_SEQ) ? Infinity : Number(n);
}

/** The dict/set key of a hashable value (Python's hash + eq classes); undefined if unhashable or unknown. */
export function keyOf(v: Value): string | undefined {
  switch (v.kind) {
    case 'none': return 'N';
    case 'bool': return v.v ? 'i1' : 'i0';
    case 'int': return `i${v.v}`;
    case 'float':
      if (Number.isNaN(v.v)) return undefined;
      return Number.isInteger(v.v) ? `i${BigInt(v.v)}` : `f${v.v}`;
    case 'str': return `s${v.v}`;
    case 'tuple': {
      const parts: string[] = [];
      for (const item of v.items) {
        const k = keyOf(item);
        if (k === undefined) return undefined;
        parts.push(k);
      }
      return `t(${parts.map((p) => p.length + ':' + p).join('')})`;
    }
    case 'task': return `T${v.t.id}`;
    default: return undefined;
  }
}

function num(v: Value): { int: bigint } | { float: number } | undefined {
  if (v.kind === 'int') return { int: v.v };
  if (v.kind === 'bool') return { int: v.v ? 1n : 0n };
  if (v.kind === 'float') return { float: v.v };
  return undefined;
}

function toFloat(n: { int: bigint } | { float: number }): number {
  return 'int' in n ? Number(n.int) : n.float;
}

/** `a == b` when certain. */
export function equals(a: Value, b: Value): boolean | undefined {
  const na = num(a);
  const nb = num(b);
  if (na && nb) {
    if ('int' in na && 'int' in nb) return na.int === nb.int;
    return toFloat(na) === toFloat(nb);
  }
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  if (a.kind === 'str' && b.kind === 'str') return a.v === b.v;
  if ((a.kind === 'list' && b.kind === 'list') || (a.kind === 'tuple' && b.kind === 'tuple')) {
    if (a.items.length !== b.items.length) return false;
    for (let i = 0; i < a.items.length; i++) {
      const e = equals(a.items[i] as Value, b.items[i] as Value);
      if (e !== true) return e;
    }
    return true;
  }
  if (a.kind === 'task' && b.kind === 'task') return undefined;
  const plain = new Set(['none', 'bool', 'int', 'float', 'str', 'list', 'tuple', 'dict', 'set']);
  if (plain.has(a.kind) && plain.has(b.kind) && a.kind !== b.kind && !(na && nb)) return false;
  if (a.kind === 'dict' && b.kind === 'dict') {
    if (a.map.size !== b.map.size) return false;
    for (const [k, e] of a.map) {
      const other = b.map.get(k);
      if (!other) return false;
      const r = equals(e.v, other.v);
      if (r !== true) return r;
    }
    return true;
  }
  return undefined;
}

/** `a < b` (ordering) when certain: numbers, str, and sequences of those. */
export function compare(a: Value, b: Value, node: Syntax): number | undefined {
  const na = num(a);
  const nb = num(b);
  if (na && nb) {
    if ('int' in na && 'int' in nb) return na.int < nb.int ? -1 : na.int > nb.int ? 1 : 0;
    const x = toFloat(na);
    const y = toFloat(nb);
    if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind === 'str' && b.kind === 'str') return Math.sign(compareCodePoints(a.v, b.v));
  if ((a.kind === 'list' && b.kind === 'list') || (a.kind === 'tuple' && b.kind === 'tuple')) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      const x = a.items[i] as Value;
      const y = b.items[i] as Value;
      const e = equals(x, y);
      if (e === undefined) return undefined;
      if (!e) return compare(x, y, node);
    }
    return Math.sign(a.items.length - b.items.length);
  }
  const plain = new Set(['none', 'bool', 'int', 'float', 'str', 'list', 'tuple', 'dict']);
  if (plain.has(a.kind) && plain.has(b.kind)) raisePy(node, 'TypeError', `'<' not supported between instances of '${a.kind}' and '${b.kind}'`);
  return undefined;
}

function floorDivInt(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function floatDivmod(x: number, y: number): [number, number] {
  let mod = x % y;
  let div = (x - mod) / y;
  if (mod) {
    if ((y < 0) !== (mod < 0)) {
      mod += y;
      div -= 1;
    }
  } else mod = y < 0 ? -0 : 0;
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else floordiv = (x / y) < 0 || Object.is(x / y, -0) ? -0 : 0;
  return [floordiv, mod];
}

const SAFE = 2n ** 53n;

/** Arithmetic on known plain values; undefined when not modelled (the caller refuses). */
export function arith(op: string, a: Value, b: Value, node: Syntax): Value | undefined {
  const na = num(a);
  const nb = num(b);
  if (na && nb) {
    if ('int' in na && 'int' in nb) {
      const x = na.int;
      const y = nb.int;
      switch (op) {
        case '+': return pyInt(x + y);
        case '-': return pyInt(x - y);
        case '*': return pyInt(x * y);
        case '//': if (y === 0n) raisePy(node, 'ZeroDivisionError', 'integer division or modulo by zero'); return pyInt(floorDivInt(x, y));
        case '%': if (y === 0n) raisePy(node, 'ZeroDivisionError', 'integer division or modulo by zero'); return pyInt(x - floorDivInt(x, y) * y);
        case '/':
          if (y === 0n) raisePy(node, 'ZeroDivisionError', 'division by zero');
          if (x > SAFE || x < -SAFE || y > SAFE || y < -SAFE) return undefined;
          return pyFloatV(Number(x) / Number(y));
        case '**':
          if (y < 0n) return x === 0n ? undefined : pyFloatV(Number(x) ** Number(y));
          if (y > 10_000n) return undefined;
          return pyInt(x ** y);
        case '&': return a.kind === 'bool' && b.kind === 'bool' ? pyBool(a.v && b.v) : pyInt(x & y);
        case '|': return a.kind === 'bool' && b.kind === 'bool' ? pyBool(a.v || b.v) : pyInt(x | y);
        default: return undefined;
      }
    }
    const x = toFloat(na);
    const y = toFloat(nb);
    switch (op) {
      case '+': return pyFloatV(x + y);
      case '-': return pyFloatV(x - y);
      case '*': return pyFloatV(x * y);
      case '/': if (y === 0) raisePy(node, 'ZeroDivisionError', 'float division by zero'); return pyFloatV(x / y);
      case '//': if (y === 0) raisePy(node, 'ZeroDivisionError', 'float floor division by zero'); return pyFloatV(floatDivmod(x, y)[0]);
      case '%': if (y === 0) raisePy(node, 'ZeroDivisionError', 'float modulo'); return pyFloatV(floatDivmod(x, y)[1]);
      default: return undefined;
    }
  }
  if (op === '+') {
    if (a.kind === 'str' && b.kind === 'str') return pyStr(a.v + b.v);
    if (a.kind === 'list' && b.kind === 'list') return pyList([...a.items, ...b.items]);
    if (a.kind === 'tuple' && b.kind === 'tuple') return pyTuple([...a.items, ...b.items]);
  }
  if (op === '*') {
    const seq = a.kind === 'int' ? b : a;
    const times = a.kind === 'int' ? a : b;
    if (times.kind === 'int' && (seq.kind === 'str' || seq.kind === 'list' || seq.kind === 'tuple')) {
      const n = times.v < 0n ? 0 : Number(times.v);
      const len = seq.kind === 'str' ? seq.v.length : seq.items.length;
      if (n * len > MAX_SEQ) return undefined;
      if (seq.kind === 'str') return pyStr(seq.v.repeat(n));
      const items: Value[] = [];
      for (let i = 0; i < n; i++) items.push(...seq.items);
      return seq.kind === 'list' ? pyList(items) : pyTuple(items);
    }
  }
  return undefined;
}

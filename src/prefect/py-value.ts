/**
 * Values as Python's `json` module sees them. JSON numbers lose the int/float distinction that
 * Python keeps (`1` vs `1.0`), and that distinction changes the idempotency key, so floats are
 * carried as `PyFloat`. A plain JS `number` is a Python int (or, if it is not an integer, a float).
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyValue[]
  | { [key: string]: PyValue };

export type PyObject = { [key: string]: PyValue };

/** Wraps a JS number as a Python float. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/**
 * What the JSON dumper accepts: `PyValue`, plus `Map` for objects whose key order must survive.
 * JS objects iterate integer-like keys (`"2"`, `"10"`) first in ascending order, whatever the
 * insertion order; Python dicts keep insertion order. Only the unsorted dump (the compressed
 * payload) sees the difference, so `PyValue` stays plain-object-only and a `Map` is an opt-in.
 */
export type PyJsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyJsonValue[]
  | { [key: string]: PyJsonValue }
  | Map<string, PyJsonValue>;

/**
 * True for keys that JS objects reorder: canonical array indices `0` … `2**32 - 2`.
 */
export function isArrayIndexKey(key: string): boolean {
  if (key.length === 0 || key.length > 10) return false;
  if (key === '0') return true;
  const first = key.charCodeAt(0);
  if (first < 0x31 || first > 0x39) return false;
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(key) < 2 ** 32 - 1;
}

/**
 * True for a Python dict (a plain JS object, also one without a prototype as the parser may
 * make for a `__proto__` key); false for lists, floats (`PyFloat`), `Map`s and scalars.
 */
export function isPyObject(value: PyValue | undefined): value is PyObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

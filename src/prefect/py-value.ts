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

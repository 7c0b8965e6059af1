import { PyFloat } from '../prefect/py-value.js';
import type { PyJsonValue } from '../prefect/py-value.js';
import { pyjsonDumps } from '../prefect/pyjson.js';

/** Plain JS data → PyJsonValue: undefined fields dropped, PyFloat kept so `1.0` prints as `1.0`. */
function toPyJson(value: unknown): PyJsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof PyFloat || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toPyJson);
  if (value instanceof Map) {
    const out = new Map<string, PyJsonValue>();
    for (const [key, item] of value as Map<string, unknown>) if (item !== undefined) out.set(key, toPyJson(item));
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, PyJsonValue> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toPyJson(item);
    return out;
  }
  return null; // functions and symbols have no JSON form
}

/**
 * The CLI's JSON output: indented, ASCII-only like Python's json module, and with Python floats
 * kept exact, so a `serialized_flow` printed here hashes to the same idempotency key.
 */
export function formatJson(document: unknown): string {
  return pyjsonDumps(toPyJson(document), { indent: 2 });
}

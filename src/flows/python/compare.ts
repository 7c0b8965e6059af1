import { PyFloat, type PyValue } from '../../prefect/py-value.js';
import { compareCodePoints } from '../../prefect/pyjson.js';
import type { FlowLoadError, LoadResult } from '../types.js';

/**
 * One disagreement between the static and the python loader. The python loader runs Prefect
 * itself, so every difference is a bug in the static loader — except `only-python` flows whose
 * file the static loader refused (`staticErrors`), which is the static loader working as meant.
 */
export interface LoaderDifference {
  flowPath: string;
  name: string;
  kind: 'only-static' | 'only-python' | 'different';
  /** First differing place, e.g. `tasks[2].inputs.x.required` (keys in sorted order). */
  path?: string | undefined;
  /** The value at `path` (undefined: missing on that side). */
  staticValue?: PyValue | undefined;
  pythonValue?: PyValue | undefined;
  /** For `only-python`: what the static loader said about that file or flow. */
  staticErrors?: FlowLoadError[] | undefined;
}

/**
 * Compares two loaders' results flow by flow (matched on file and name), with Python's idea of
 * equality: `1` and `1.0` differ (they give different idempotency keys), key order does not.
 *
 * @returns the differences, in python-result order then static-only flows; empty when they agree.
 */
export function compareLoaders(staticResult: LoadResult, pythonResult: LoadResult): LoaderDifference[] {
  const id = (flowPath: string, name: string): string => JSON.stringify([flowPath, name]);
  const statics = new Map(staticResult.flows.map((flow) => [id(flow.flowPath, flow.name), flow]));
  const differences: LoaderDifference[] = [];
  const seen = new Set<string>();
  for (const flow of pythonResult.flows) {
    const key = id(flow.flowPath, flow.name);
    seen.add(key);
    const other = statics.get(key);
    if (other === undefined) {
      const staticErrors = staticResult.errors.filter((e) => e.file === flow.flowPath && (e.flow === undefined || e.flow === flow.name));
      differences.push({ flowPath: flow.flowPath, name: flow.name, kind: 'only-python', ...(staticErrors.length > 0 ? { staticErrors } : {}) });
      continue;
    }
    const diff = firstDifference(other.serialized, flow.serialized, '');
    if (diff !== undefined) {
      differences.push({ flowPath: flow.flowPath, name: flow.name, kind: 'different', path: diff.path, staticValue: diff.a, pythonValue: diff.b });
    }
  }
  for (const flow of staticResult.flows) {
    if (!seen.has(id(flow.flowPath, flow.name))) differences.push({ flowPath: flow.flowPath, name: flow.name, kind: 'only-static' });
  }
  return differences;
}

interface Diff {
  path: string;
  a: PyValue | undefined;
  b: PyValue | undefined;
}

/**
 * The first place two values differ, walking objects in sorted key order and arrays by index.
 *
 * @returns undefined when equal (Python equality, int and float told apart).
 */
export function firstDifference(a: PyValue | undefined, b: PyValue | undefined, path = ''): Diff | undefined {
  const here: Diff = { path: path === '' ? '$' : path, a, b };
  if (a === undefined || b === undefined) return a === b ? undefined : here;
  if (kind(a) !== kind(b)) return here;
  if (kind(a) === 'float') {
    // A non-integral JS number is a Python float as much as a PyFloat is (both dump the same).
    const x = a instanceof PyFloat ? a.value : (a as number);
    const y = b instanceof PyFloat ? b.value : (b as number);
    return Object.is(x, y) || x === y ? undefined : here;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (kind(a) === 'object') {
    const ao = a as Record<string, PyValue>;
    const bo = b as Record<string, PyValue>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort(compareCodePoints);
    for (const key of keys) {
      const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
      const d = firstDifference(Object.hasOwn(ao, key) ? ao[key] : undefined, Object.hasOwn(bo, key) ? bo[key] : undefined, path + step);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  // int (number or bigint) and the other scalars
  if (kind(a) === 'int') return BigInt(a as number | bigint) === BigInt(b as number | bigint) ? undefined : here;
  return a === b ? undefined : here;
}

function kind(value: PyValue): string {
  if (value === null) return 'null';
  if (value instanceof PyFloat) return 'float';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  return typeof value;
}

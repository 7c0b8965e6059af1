/**
 * Reading evaluated values as the plain data Prefect stores: strings, ints, JSON documents,
 * timedeltas. Every reader refuses unknown values and raises where Python would.
 */
import { PyFloat, type PyValue } from '../../prefect/py-value.js';
import { raisePy, Refusal, refuse } from './refusal.js';
import type { Syntax } from './syntax.js';
import type { Value } from './values.js';

/** Throws the refusal a poisoned or unknown value carries, describing what needed it. */
export function refuseUnknown(v: Value, node: Syntax, need: string): never {
  if (v.kind === 'opaque' && v.poison) throw v.poison;
  if ((v.kind === 'list' || v.kind === 'dict' || v.kind === 'set') && v.poison) throw v.poison;
  const what = v.kind === 'opaque' ? v.what : describe(v);
  return refuse(node, `${need} must be known when the flow is registered, but it is ${what}`);
}

/** A short description of a value for messages. */
export function describe(v: Value): string {
  switch (v.kind) {
    case 'opaque': return v.what;
    case 'task': return `a task (${v.t.type})`;
    case 'flow': return 'a Flow';
    case 'func': return `the function ${v.name}`;
    case 'class': return `the class ${v.name}`;
    case 'builtin': return `the callable ${v.name}`;
    case 'module': return `the module ${v.name}`;
    case 'native': return `a ${v.type} object`;
    default: return `a ${v.kind}`;
  }
}

/** Throws if the value (or a container it is in) is poisoned. */
export function checkPoison(v: Value): void {
  if (v.kind === 'opaque' && v.poison) throw v.poison;
  if ((v.kind === 'list' || v.kind === 'dict' || v.kind === 'set') && v.poison) throw v.poison;
  if (v.kind === 'task' && v.t.poison) throw v.t.poison;
  if (v.kind === 'flow' && v.f.poison) throw v.f.poison;
}

export function expectStr(v: Value, node: Syntax, what: string): string {
  if (v.kind === 'str') return v.v;
  if (v.kind === 'opaque' || isPoisonedContainer(v)) refuseUnknown(v, node, what);
  return raisePy(node, 'TypeError', `${what} must be a str, got ${describe(v)}`);
}

export function expectOptStr(v: Value | undefined, node: Syntax, what: string): string | null {
  if (v === undefined || v.kind === 'none') return null;
  return expectStr(v, node, what);
}

/** A Python int as a JS number (refuses values beyond 2^53, which no flow option needs). */
export function expectInt(v: Value, node: Syntax, what: string): number {
  if (v.kind === 'int') {
    if (v.v > BigInt(Number.MAX_SAFE_INTEGER) || v.v < -BigInt(Number.MAX_SAFE_INTEGER)) refuse(node, `${what} is too large`);
    return Number(v.v);
  }
  if (v.kind === 'opaque' || isPoisonedContainer(v)) refuseUnknown(v, node, what);
  return refuse(node, `${what} must be an int here, got ${describe(v)}`);
}

export function expectBool(v: Value, node: Syntax, what: string): boolean {
  if (v.kind === 'bool') return v.v;
  if (v.kind === 'opaque' || isPoisonedContainer(v)) refuseUnknown(v, node, what);
  return refuse(node, `${what} must be True or False here, got ${describe(v)}`);
}

function isPoisonedContainer(v: Value): boolean {
  return (v.kind === 'list' || v.kind === 'dict' || v.kind === 'set') && v.poison !== undefined;
}

/** Microseconds of a `datetime.timedelta`, or undefined if the value is not one. */
export function timedeltaMicros(v: Value): bigint | undefined {
  return v.kind === 'native' && v.type === 'timedelta' ? (v.data as bigint) : undefined;
}

/** `int(td.total_seconds())`, as marshmallow's TimeDelta field and Task.__init__ compute it. */
export function timedeltaSeconds(micros: bigint, node: Syntax): number {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (micros > limit || micros < -limit) refuse(node, 'the timedelta is too large to convert exactly');
  return Math.trunc(Number(micros) / 1e6);
}

/** A strings-only list from a list/tuple/set of str (order kept; sets must be sorted by caller). */
export function expectStrList(v: Value, node: Syntax, what: string): string[] {
  if (v.kind === 'list' || v.kind === 'tuple') {
    if (v.kind === 'list' && v.poison) throw v.poison;
    return v.items.map((item) => expectStr(item, node, `each of ${what}`));
  }
  if (v.kind === 'set') {
    if (v.poison) throw v.poison;
    return [...v.map.values()].map((item) => expectStr(item, node, `each of ${what}`));
  }
  if (v.kind === 'opaque') refuseUnknown(v, node, what);
  return refuse(node, `${what} must be a list of strings here, got ${describe(v)}`);
}

/**
 * The JSON document Python's `json.dumps` would write for a value (tuples become lists).
 * Refuses what is not certain, raises for what `json.dumps` rejects.
 */
export function toJson(v: Value, node: Syntax, what: string, depth = 0): PyValue {
  if (depth > 100) refuse(node, `${what} is nested too deeply`);
  switch (v.kind) {
    case 'none': return null;
    case 'bool': return v.v;
    case 'int': return Number.isSafeInteger(Number(v.v)) ? Number(v.v) : v.v;
    case 'float': return new PyFloat(v.v);
    case 'str': return v.v;
    case 'list':
    case 'tuple':
      if (v.kind === 'list' && v.poison) throw v.poison;
      return v.items.map((item) => toJson(item, node, what, depth + 1));
    case 'dict': {
      if (v.poison) throw v.poison;
      const out: { [key: string]: PyValue } = {};
      for (const { k, v: val } of v.map.values()) {
        // json.dumps would turn int/bool/None keys into strings, but sorting mixed keys for the
        // idempotency key then fails in Python: refuse rather than guess.
        if (k.kind !== 'str') refuse(node, `${what} has a non-string dict key`);
        Object.defineProperty(out, k.v, { value: toJson(val, node, what, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'opaque':
      return refuseUnknown(v, node, what);
    default:
      return raisePy(node, 'TypeError', `${what} must be JSON compatible, got ${describe(v)}`);
  }
}

/** Re-throws refusals and Python errors untouched; other errors are bugs. */
export function isProblem(e: unknown): e is Refusal {
  return e instanceof Refusal;
}

/**
 * Iteration with Python's order: lists by index (so appends inside a loop are seen), dicts by
 * insertion, strings by code point, ranges, lazy iterators, and a task with `nout` yielding its
 * GetItem tasks. Sets iterate in hash order (randomized for str), so they are refused.
 */
import { checkPoison, refuseUnknown } from '../convert.js';
import { getItemTask } from '../prefect-model/task-ops.js';
import { FileRefusal, raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { pyInt, pyStr, type Value } from '../values.js';
import type { IterData } from './comprehensions.js';
import type { Interp } from './interp-types.js';
import { rangeLength, type RangeData, type ViewData } from './ops.js';

const TASK_NOT_ITERABLE = 'Task is not iterable. If your task returns multiple results, pass `nout` to the task decorator/constructor, or provide a `Tuple` return-type annotation to your task.';

/** Most items an iteration may produce before the loader gives up. */
export const MAX_ITEMS = 100_000;

/** A lazy iterator over a value; throws for values that cannot be iterated with certainty. */
export function* iterOf(interp: Interp, v: Value, node: Syntax): Generator<Value> {
  checkPoison(v);
  switch (v.kind) {
    case 'list': {
      const before = v.items.length;
      for (let i = 0; i < v.items.length; i++) {
        if (i >= MAX_ITEMS) {
          // A list that grows while it is looped over may never end, and then Python never
          // finishes importing the file: no flow of it can be trusted.
          if (v.items.length > before) throw new FileRefusal(node, `a loop over a list that grows as it goes (more than ${MAX_ITEMS} items; if it never ends, Python never finishes importing the file)`);
          refuse(node, `a loop over more than ${MAX_ITEMS} items`);
        }
        yield v.items[i] as Value;
      }
      return;
    }
    case 'tuple': yield* v.items; return;
    case 'str': for (const ch of v.v) yield pyStr(ch); return;
    case 'dict': yield* [...v.map.values()].map((e) => e.k); return;
    case 'set':
      if (v.map.size <= 1) {
        yield* v.map.values();
        return;
      }
      return refuse(node, 'iterating over a set (its order follows hashes, randomized for strings)');
    case 'task': {
      const nout = v.t.nout;
      if (nout === null) {
        raisePy(node, 'TypeError', TASK_NOT_ITERABLE);
      }
      for (let i = 0; i < nout; i++) yield { kind: 'task', t: getItemTask(interp, v.t, pyInt(i), node) };
      return;
    }
    case 'native':
      if (v.type === 'range') {
        const r = v.data as RangeData;
        const n = rangeLength(r);
        if (n > MAX_ITEMS) refuse(node, `a loop over more than ${MAX_ITEMS} items`);
        for (let i = 0; i < n; i++) yield pyInt(r.start + BigInt(i) * r.step);
        return;
      }
      if (v.type === 'view') {
        yield* (v.data as ViewData).items;
        return;
      }
      if (v.type === 'iter') {
        const it = v.data as IterData;
        let count = 0;
        for (;;) {
          const r = it.next();
          if (r.done) return;
          if (++count > MAX_ITEMS) refuse(node, `a loop over more than ${MAX_ITEMS} items`);
          yield r.value;
        }
      }
      return refuse(node, `iterating over a ${v.type} object`);
    case 'opaque':
      return refuseUnknown(v, node, 'what a loop iterates over (the number of iterations)');
    case 'flow':
      return refuse(node, 'iterating over a flow');
    default:
      return raisePy(node, 'TypeError', `'${v.kind}' object is not iterable`);
  }
}

/**
 * The checks `iter(v)` makes at once in Python (iterOf is lazy: its checks run at the first
 * item). For `iter()`, `zip()`, `map()` and the like, which fail when called, not when consumed.
 */
export function checkIterable(v: Value, node: Syntax): void {
  checkPoison(v);
  switch (v.kind) {
    case 'list': case 'tuple': case 'str': case 'dict': return;
    case 'set':
      if (v.map.size > 1) refuse(node, 'iterating over a set (its order follows hashes, randomized for strings)');
      return;
    case 'task':
      // Task.__iter__ raises when called; the GetItem tasks are made lazily.
      if (v.t.nout === null) raisePy(node, 'TypeError', TASK_NOT_ITERABLE);
      return;
    case 'native':
      if (v.type === 'range' || v.type === 'view' || v.type === 'iter') return;
      return refuse(node, `iterating over a ${v.type} object`);
    case 'opaque':
      return refuseUnknown(v, node, 'what is iterated over (the number of items)');
    case 'flow':
      return refuse(node, 'iterating over a flow');
    default:
      return raisePy(node, 'TypeError', `'${v.kind}' object is not iterable`);
  }
}

/** All items of an iterable. */
export function iterateAll(interp: Interp, v: Value, node: Syntax): Value[] {
  const out: Value[] = [];
  for (const item of iterOf(interp, v, node)) {
    out.push(item);
    if (out.length > MAX_ITEMS) refuse(node, `more than ${MAX_ITEMS} items`);
  }
  return out;
}

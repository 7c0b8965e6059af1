/**
 * Python builtins that iterate: enumerate, zip, reversed, sorted, min, max, sum, any, all, iter,
 * next, map, filter. The lazy ones return iterators, so short-circuits stop where Python stops.
 */
import { describe, expectInt } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { FALSE, native, pyInt, pyList, pyTuple, TRUE, type BuiltinV, type Value } from '../values.js';
import type { IterData } from '../evaluator/comprehensions.js';
import type { CallArgs, Interp } from '../evaluator/interp-types.js';
import { checkIterable, iterateAll, iterOf } from '../evaluator/iteration.js';
import { arith, compare } from '../evaluator/ops.js';

type Fn = (interp: Interp, args: CallArgs, node: Syntax) => Value;
type Make = (name: string, call: Fn, pyType?: string) => BuiltinV;

function noKeywords(args: CallArgs, name: string, node: Syntax): void {
  if (args.keywords.length > 0) raisePy(node, 'TypeError', `${name}() takes no keyword arguments`);
}

function arg(args: CallArgs, i: number, name: string, node: Syntax): Value {
  const v = args.positional[i];
  if (v === undefined) return raisePy(node, 'TypeError', `${name}() missing required argument`);
  return v;
}

function kw(args: CallArgs, name: string): Value | undefined {
  return args.keywords.find(([k]) => k === name)?.[1];
}

/** iterOf, with the checks Python makes when the iterator is created done now. */
function iterNow(interp: Interp, v: Value, node: Syntax): Generator<Value> {
  checkIterable(v, node);
  return iterOf(interp, v, node);
}

/** A lazy iterator value. */
export function lazyIter(gen: Iterator<Value>): Value {
  const data: IterData = { next: () => gen.next() };
  return native('iter', data);
}

function sortedItems(interp: Interp, items: Value[], keyFn: Value | undefined, reverse: boolean, node: Syntax): Value[] {
  const keyed = items.map((item) => ({ item, key: keyFn && keyFn.kind !== 'none' ? interp.call(keyFn, { positional: [item], keywords: [] }, node) : item }));
  keyed.sort((x, y) => {
    const c = compare(x.key, y.key, node);
    if (c === undefined) return refuse(node, `sorting ${describe(x.key)} and ${describe(y.key)}`);
    return reverse ? -c : c;
  });
  return keyed.map((k) => k.item);
}

function minMax(which: 'min' | 'max'): Fn {
  return (interp, args, node) => {
    const items = args.positional.length === 1 ? iterateAll(interp, args.positional[0] as Value, node) : args.positional;
    if (items.length === 0) {
      const dflt = kw(args, 'default');
      if (dflt) return dflt;
      raisePy(node, 'ValueError', `${which}() arg is an empty sequence`);
    }
    const keyFn = kw(args, 'key');
    const keyOfItem = (item: Value): Value => (keyFn && keyFn.kind !== 'none' ? interp.call(keyFn, { positional: [item], keywords: [] }, node) : item);
    // Python keeps the first of equal items for both min and max.
    let best = items[0] as Value;
    let bestKey = keyOfItem(best);
    for (const item of items.slice(1)) {
      const k = keyOfItem(item);
      const c = compare(k, bestKey, node);
      if (c === undefined) return refuse(node, `${which}() of ${describe(k)}`);
      if (which === 'min' ? c < 0 : c > 0) {
        best = item;
        bestKey = k;
      }
    }
    return best;
  };
}

function sum(interp: Interp, args: CallArgs, node: Syntax): Value {
  let acc: Value = args.positional[1] ?? kw(args, 'start') ?? pyInt(0);
  for (const item of iterOf(interp, arg(args, 0, 'sum', node), node)) {
    const r = arith('+', acc, item, node);
    if (r === undefined) return refuse(node, `sum() over ${describe(item)}`);
    acc = r;
  }
  return acc;
}

function anyAll(which: 'any' | 'all'): Fn {
  return (interp, args, node) => {
    for (const item of iterOf(interp, arg(args, 0, which, node), node)) {
      const t = interp.truthy(item, node);
      if (which === 'any' && t) return TRUE;
      if (which === 'all' && !t) return FALSE;
    }
    return which === 'any' ? FALSE : TRUE;
  };
}

/** The iteration builtins, made with the caller's constructor. */
export function iterationBuiltins(fn: Make): BuiltinV[] {
  return [
    fn('enumerate', (i, a, n) => {
      const start = a.positional[1] ?? kw(a, 'start');
      let k = start ? BigInt(expectInt(start, n, 'the enumerate() start')) : 0n;
      const it = iterNow(i, arg(a, 0, 'enumerate', n), n);
      return lazyIter((function* () {
        for (const item of it) yield pyTuple([pyInt(k++), item]);
      })());
    }),
    fn('zip', (i, a, n) => {
      noKeywords(a, 'zip', n);
      const its = a.positional.map((v) => iterNow(i, v, n));
      return lazyIter((function* () {
        if (its.length === 0) return;
        for (;;) {
          const row: Value[] = [];
          for (const it of its) {
            const r = it.next();
            if (r.done) return;
            row.push(r.value);
          }
          yield pyTuple(row);
        }
      })());
    }),
    fn('reversed', (i, a, n) => lazyIter(iterateAll(i, arg(a, 0, 'reversed', n), n).reverse()[Symbol.iterator]())),
    fn('sorted', (i, a, n) => {
      const rev = kw(a, 'reverse');
      return pyList(sortedItems(i, iterateAll(i, arg(a, 0, 'sorted', n), n), kw(a, 'key'), rev ? i.truthy(rev, n) : false, n));
    }),
    fn('min', minMax('min')),
    fn('max', minMax('max')),
    fn('sum', sum),
    fn('any', anyAll('any')),
    fn('all', anyAll('all')),
    fn('iter', (i, a, n) => {
      noKeywords(a, 'iter', n);
      if (a.positional.length > 2) raisePy(n, 'TypeError', `iter expected at most 2 arguments, got ${a.positional.length}`);
      // iter(callable, sentinel) calls until the sentinel comes back: maybe never.
      if (a.positional.length === 2) refuse(n, 'iter(callable, sentinel)');
      return lazyIter(iterNow(i, arg(a, 0, 'iter', n), n));
    }),
    fn('next', (i, a, n) => {
      const it = arg(a, 0, 'next', n);
      if (it.kind !== 'native' || it.type !== 'iter') return refuse(n, 'next() on something that is not an iterator');
      const r = (it.data as IterData).next();
      if (!r.done) return r.value;
      if (a.positional[1]) return a.positional[1];
      return raisePy(n, 'StopIteration', '');
    }),
    fn('map', (i, a, n) => {
      const f = arg(a, 0, 'map', n);
      const its = a.positional.slice(1).map((v) => iterNow(i, v, n));
      return lazyIter((function* () {
        for (;;) {
          const row: Value[] = [];
          for (const it of its) {
            const r = it.next();
            if (r.done) return;
            row.push(r.value);
          }
          yield i.call(f, { positional: row, keywords: [] }, n);
        }
      })());
    }),
    fn('filter', (i, a, n) => {
      const f = arg(a, 0, 'filter', n);
      const it = iterNow(i, arg(a, 1, 'filter', n), n);
      return lazyIter((function* () {
        for (const item of it) {
          const keep = f.kind === 'none' ? i.truthy(item, n) : i.truthy(i.call(f, { positional: [item], keywords: [] }, n), n);
          if (keep) yield item;
        }
      })());
    }),
  ];
}

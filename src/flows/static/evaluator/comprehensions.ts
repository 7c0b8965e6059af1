/**
 * Comprehensions and generator expressions, with Python 3 scoping (loop variables stay inside)
 * and the first iterable evaluated in the enclosing scope. Generator expressions are lazy, so
 * `any(...)`/`all(...)`/`next(...)` stop where Python stops.
 */
import { refuse } from '../refusal.js';
import { field, fieldAll, namedChildren, type Syntax } from '../syntax.js';
import { native, pyList, type DictV, type SetV, type Value } from '../values.js';
import { dictSet, setAdd } from './expressions.js';
import type { Interp } from './interp-types.js';
import { checkIterable } from './iteration.js';
import { Scope } from './scope.js';
import { assignTarget } from './targets.js';

/** A lazy iterator value (generator expressions, enumerate, zip, ...). */
export interface IterData {
  next(): IteratorResult<Value>;
}

export function evalComprehension(interp: Interp, node: Syntax, scope: Scope): Value {
  const body = field(node, 'body');
  if (!body) return refuse(node, 'a comprehension the loader cannot read');
  const clauses = namedChildren(node).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
  if (clauses.some((c) => c.type === 'for_in_clause' && c.children.some((t) => !t.named && t.type === 'async'))) {
    refuse(node, 'an async comprehension');
  }
  const first = clauses[0];
  if (!first || first.type !== 'for_in_clause') return refuse(node, 'a comprehension without a for clause');
  // The first iterable belongs to the enclosing scope and is evaluated right away.
  const firstIterable = interp.evalExpr(field(first, 'right') as Syntax, scope);
  const inner = new Scope('comprehension', scope, scope.module);
  const results = generate(interp, clauses, 0, inner, firstIterable, body, node);
  switch (node.type) {
    case 'list_comprehension': return pyList([...results].map((r) => r.value));
    case 'set_comprehension': {
      const s: SetV = { kind: 'set', map: new Map() };
      for (const r of results) setAdd(s, r.value, node);
      return s;
    }
    case 'dictionary_comprehension': {
      const d: DictV = { kind: 'dict', map: new Map() };
      for (const r of results) {
        if (!r.key) refuse(node, 'a dict comprehension without a key');
        dictSet(d, r.key, r.value, node);
      }
      return d;
    }
    default: {
      // Python calls iter() on the first iterable when the generator is made, not when consumed.
      checkIterable(firstIterable, first);
      const iterator = results[Symbol.iterator]();
      const data: IterData = { next: () => {
        const r = iterator.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value.value };
      } };
      return native('iter', data);
    }
  }
}

interface Produced {
  key?: Value;
  value: Value;
}

function* generate(
  interp: Interp, clauses: Syntax[], index: number, scope: Scope, firstIterable: Value | undefined, body: Syntax, node: Syntax,
): Generator<Produced> {
  const clause = clauses[index];
  if (!clause) {
    if (body.type === 'pair') {
      const key = interp.evalExpr(field(body, 'key') as Syntax, scope);
      yield { key, value: interp.evalExpr(field(body, 'value') as Syntax, scope) };
    } else yield { value: interp.evalExpr(body, scope) };
    return;
  }
  if (clause.type === 'if_clause') {
    const cond = namedChildren(clause)[0] as Syntax;
    if (interp.truthy(interp.evalExpr(cond, scope), cond)) yield* generate(interp, clauses, index + 1, scope, undefined, body, node);
    return;
  }
  const iterable = firstIterable ?? interp.evalExpr(field(clause, 'right') as Syntax, scope);
  const targets = fieldAll(clause, 'left');
  const target = targets.length === 1 ? (targets[0] as Syntax) : clause;
  for (const item of interp.iterate(iterable, clause)) {
    if (targets.length === 1) assignTarget(interp, target, item, scope);
    else refuse(clause, 'a comprehension target the loader cannot read');
    yield* generate(interp, clauses, index + 1, scope, undefined, body, node);
  }
}

/**
 * After a refused statement the loader cannot know what it did, so it marks what it might have
 * changed: names it assigns become poisoned values, mutable objects it could reach (lists,
 * dicts, sets, flows, and tasks if it writes attributes or binds) are poisoned, and so is
 * everything a user function it calls could reach. Flows that later use a poisoned value are
 * refused with the original reason; flows that never touch one load normally.
 */
import type { Refusal } from '../refusal.js';
import { field, fieldAll, namedChildren, textOf, type Syntax } from '../syntax.js';
import { poisoned, type Value } from '../values.js';
import type { Interp } from './interp-types.js';
import type { Scope } from './scope.js';

interface Footprint {
  reads: Set<string>;
  writes: Set<string>;
  /** Writes attributes or items, or calls `.bind(...)`: tasks it reaches may have changed. */
  mutates: boolean;
  mentionsContext: boolean;
}

const TARGET_CONTAINERS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'tuple', 'list', 'parenthesized_expression', 'expression_list', 'as_pattern_target']);

function footprint(node: Syntax, fp: Footprint, inFunction: boolean): void {
  const target = (t: Syntax): void => {
    if (t.type === 'identifier') {
      if (!inFunction) fp.writes.add(textOf(t));
    } else if (TARGET_CONTAINERS.has(t.type)) {
      for (const c of namedChildren(t)) target(c);
    } else {
      if (t.type === 'attribute' || t.type === 'subscript') fp.mutates = true;
      footprint(t, fp, inFunction);
    }
  };
  const walk = (n: Syntax): void => {
    switch (n.type) {
      case 'identifier':
        fp.reads.add(textOf(n));
        if (textOf(n) === 'context' || textOf(n) === 'config') fp.mentionsContext = true;
        return;
      case 'attribute': {
        walk(field(n, 'object') as Syntax);
        const attr = textOf(field(n, 'attribute') as Syntax);
        if (attr === 'context' || attr === 'config') fp.mentionsContext = true;
        if (attr === 'bind') fp.mutates = true;
        return;
      }
      case 'keyword_argument':
        walk(field(n, 'value') as Syntax);
        return;
      case 'assignment': case 'augmented_assignment':
        for (const t of fieldAll(n, 'left')) target(t);
        for (const r of fieldAll(n, 'right')) walk(r);
        return;
      case 'for_statement': case 'for_in_clause':
        for (const t of fieldAll(n, 'left')) target(t);
        break;
      case 'as_pattern_target':
        for (const c of namedChildren(n)) target(c);
        return;
      case 'function_definition': case 'class_definition': {
        const name = field(n, 'name');
        if (name && !inFunction) fp.writes.add(textOf(name));
        break;
      }
      case 'import_statement': case 'import_from_statement':
        for (const c of fieldAll(n, 'name')) {
          const bound = c.type === 'aliased_import' ? field(c, 'alias') : namedChildren(c)[0];
          if (bound && !inFunction) fp.writes.add(textOf(bound));
        }
        return;
      case 'global_statement':
        for (const c of namedChildren(n)) fp.writes.add(textOf(c));
        return;
      default:
        break;
    }
    for (const c of n.children) walk(c);
  };
  walk(node);
}

/** Marks what a refused statement may have changed. */
export function poisonStatement(interp: Interp, stmt: Syntax, refusal: Refusal, scope: Scope): void {
  const fp: Footprint = { reads: new Set(), writes: new Set(), mutates: false, mentionsContext: false };
  footprint(stmt, fp, false);
  // Follow user functions the statement names: they may reach (and change) more globals.
  const seen = new Set<Syntax>();
  const pending = [...fp.reads].map((name) => ({ name, scope }));
  const reached: Value[] = [];
  while (pending.length > 0) {
    const { name, scope: where } = pending.pop() as { name: string; scope: Scope };
    const found = where.lookup(name);
    if (typeof found !== 'object') continue;
    const v = found.value;
    reached.push(v);
    const body = v.kind === 'func' ? v.body : v.kind === 'class' ? v.node : undefined;
    if (body && !seen.has(body)) {
      seen.add(body);
      const inner: Footprint = { reads: new Set(), writes: new Set(), mutates: false, mentionsContext: false };
      footprint(body, inner, true);
      if (inner.mutates) fp.mutates = true;
      if (inner.mentionsContext) fp.mentionsContext = true;
      const home = v.kind === 'func' ? v.closure : where.globals;
      for (const n of [...inner.reads, ...inner.writes]) pending.push({ name: n, scope: home });
      for (const n of inner.writes) {
        // `global x` inside a called function rebinds a module name.
        if (home.globals.vars.has(n) && inner.writes.has(n)) home.globals.vars.set(n, poisoned(refusal));
      }
    }
  }
  const visited = new Set<unknown>();
  for (const v of reached) poisonValue(v, refusal, fp.mutates, visited, 0);
  for (const name of fp.writes) scope.assign(name, poisoned(refusal));
  if (fp.mentionsContext) interp.contextPoison ??= refusal;
}

function poisonValue(v: Value, refusal: Refusal, mutates: boolean, visited: Set<unknown>, depth: number): void {
  if (depth > 50 || visited.has(v)) return;
  visited.add(v);
  switch (v.kind) {
    case 'list': case 'dict': case 'set':
      v.poison ??= refusal;
      if (v.kind === 'list') for (const item of v.items) poisonValue(item, refusal, mutates, visited, depth + 1);
      else if (v.kind === 'dict') for (const e of v.map.values()) poisonValue(e.v, refusal, mutates, visited, depth + 1);
      return;
    case 'flow':
      v.f.poison ??= refusal;
      return;
    case 'task':
      if (mutates) v.t.poison ??= refusal;
      return;
    case 'tuple':
      for (const item of v.items) poisonValue(item, refusal, mutates, visited, depth + 1);
      return;
    default:
      return;
  }
}

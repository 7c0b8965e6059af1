/**
 * Assignment targets: names, unpacking (with one starred target), attributes and items.
 * Attribute writes are where flow files configure flows (`flow.run_config = ...`) and tasks.
 */
import { checkPoison, describe, expectStr, refuseUnknown } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import { field, namedChildren, textOf, type Syntax } from '../syntax.js';
import { pyList, type Value } from '../values.js';
import { dictSet } from './expressions.js';
import type { Interp } from './interp-types.js';
import type { Scope } from './scope.js';
import { setTaskAttribute } from '../prefect-model/task-attrs.js';

const UNPACK = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'expression_list']);
/** Flow attributes a file may set, and whether their value is serialized. */
const FLOW_ATTRS = new Set(['run_config', 'schedule', 'storage', 'executor', 'result', 'state_handlers', 'terminal_state_handler', 'name']);

export function assignTarget(interp: Interp, target: Syntax, value: Value, scope: Scope): void {
  if (target.type === 'identifier') {
    scope.assign(textOf(target), value);
    return;
  }
  if (target.type === 'parenthesized_expression') {
    const inner = namedChildren(target)[0];
    if (inner) assignTarget(interp, inner, value, scope);
    return;
  }
  if (UNPACK.has(target.type)) {
    unpack(interp, namedChildren(target), value, scope, target);
    return;
  }
  if (target.type === 'attribute') {
    const obj = interp.evalExpr(field(target, 'object') as Syntax, scope);
    setAttribute(interp, obj, textOf(field(target, 'attribute') as Syntax), value, target);
    return;
  }
  if (target.type === 'subscript') {
    const obj = interp.evalExpr(field(target, 'value') as Syntax, scope);
    const subs = target.fields?.get('subscript') ?? [];
    if (subs.length !== 1 || subs[0]?.type === 'slice') refuse(target, 'assigning to a slice or multi-index');
    const index = interp.evalExpr(subs[0] as Syntax, scope);
    setItem(interp, obj, index, value, target);
    return;
  }
  refuse(target, `assigning to ${target.type}`);
}

function unpack(interp: Interp, targets: Syntax[], value: Value, scope: Scope, node: Syntax): void {
  const items = interp.iterate(value, node);
  const starAt = targets.findIndex((t) => t.type === 'list_splat_pattern' || t.type === 'list_splat');
  if (starAt < 0) {
    if (items.length !== targets.length) {
      raisePy(node, 'ValueError', items.length > targets.length ? `too many values to unpack (expected ${targets.length})` : `not enough values to unpack (expected ${targets.length}, got ${items.length})`);
    }
    targets.forEach((t, i) => assignTarget(interp, t, items[i] as Value, scope));
    return;
  }
  const after = targets.length - starAt - 1;
  if (items.length < targets.length - 1) raisePy(node, 'ValueError', 'not enough values to unpack');
  targets.slice(0, starAt).forEach((t, i) => assignTarget(interp, t, items[i] as Value, scope));
  const starTarget = namedChildren(targets[starAt] as Syntax)[0] as Syntax;
  assignTarget(interp, starTarget, pyList(items.slice(starAt, items.length - after)), scope);
  targets.slice(starAt + 1).forEach((t, i) => assignTarget(interp, t, items[items.length - after + i] as Value, scope));
}

export function setAttribute(interp: Interp, obj: Value, name: string, value: Value, node: Syntax): void {
  checkPoison(obj);
  checkPoison(value);
  switch (obj.kind) {
    case 'flow': {
      if (!FLOW_ATTRS.has(name)) refuse(node, `setting flow.${name}`);
      if (name === 'run_config') obj.f.runConfig = value;
      else if (name === 'schedule') obj.f.schedule = value;
      else if (name === 'storage') obj.f.storage = value;
      else if (name === 'name') obj.f.name = expectStr(value, node, 'the flow name');
      return;
    }
    case 'task':
      setTaskAttribute(interp, obj.t, name, value, node);
      return;
    case 'opaque':
      if (obj.prefectish) refuseUnknown(obj, node, `the object whose ${name} is set`);
      return;
    default:
      refuse(node, `setting an attribute on ${describe(obj)}`);
  }
}

function setItem(interp: Interp, obj: Value, index: Value, value: Value, node: Syntax): void {
  checkPoison(obj);
  if (obj.kind === 'dict') {
    dictSet(obj, index, value, node);
    return;
  }
  if (obj.kind === 'list') {
    if (index.kind !== 'int') {
      if (index.kind === 'opaque') refuseUnknown(index, node, 'the list index');
      raisePy(node, 'TypeError', 'list indices must be integers');
    }
    let i = Number(index.v);
    if (i < 0) i += obj.items.length;
    if (i < 0 || i >= obj.items.length) raisePy(node, 'IndexError', 'list assignment index out of range');
    obj.items[i] = value;
    return;
  }
  if (obj.kind === 'opaque' && !obj.prefectish) return;
  if (obj.kind === 'opaque') refuseUnknown(obj, node, 'the object assigned into');
  refuse(node, `item assignment on ${describe(obj)}`);
}

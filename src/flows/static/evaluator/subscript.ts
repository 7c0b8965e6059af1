/** `value[index]` and `value[start:stop:step]` for the values the loader models. */
import { checkPoison, refuseUnknown } from '../convert.js';
import { getItemTask } from '../prefect-model/task-ops.js';
import { raisePy, refuse } from '../refusal.js';
import { namedChildren, type Syntax } from '../syntax.js';
import { native, plainOpaque, prefectOpaque, pyList, pyStr, pyTuple, type Value } from '../values.js';
import type { Interp } from './interp-types.js';
import { keyOf } from './ops.js';
import type { Scope } from './scope.js';

export function subscript(interp: Interp, node: Syntax, scope: Scope): Value {
  const valueNode = node.fields?.get('value')?.[0] as Syntax;
  const subs = node.fields?.get('subscript') ?? [];
  const obj = interp.evalExpr(valueNode, scope);
  checkPoison(obj);
  if (subs.length === 1 && subs[0]?.type === 'slice') return sliceOf(interp, obj, subs[0], scope);
  const index = subs.length === 1 ? interp.evalExpr(subs[0] as Syntax, scope) : pyTuple(subs.map((s) => interp.evalExpr(s, scope)));
  return getItem(interp, obj, index, node);
}

/** `obj[index]`. */
export function getItem(interp: Interp, obj: Value, index: Value, node: Syntax): Value {
  checkPoison(index);
  switch (obj.kind) {
    case 'list': case 'tuple': case 'str': {
      if (index.kind !== 'int' && index.kind !== 'bool') {
        if (index.kind === 'opaque') refuseUnknown(index, node, 'the index');
        return raisePy(node, 'TypeError', `${obj.kind} indices must be integers`);
      }
      const items: readonly Value[] = obj.kind === 'str' ? [...obj.v].map(pyStr) : obj.items;
      let i = Number(index.kind === 'bool' ? (index.v ? 1 : 0) : index.v);
      if (i < 0) i += items.length;
      const item = items[i];
      if (item === undefined) return raisePy(node, 'IndexError', `${obj.kind} index out of range`);
      return item;
    }
    case 'dict': {
      const key = keyOf(index);
      if (key === undefined) {
        if (index.kind === 'opaque') refuseUnknown(index, node, 'the dict key');
        return raisePy(node, 'TypeError', 'unhashable key');
      }
      const entry = obj.map.get(key);
      if (!entry) return raisePy(node, 'KeyError', interp.repr(index, node));
      return entry.v;
    }
    case 'task': return { kind: 'task', t: getItemTask(interp, obj.t, index, node) };
    case 'opaque': return obj.prefectish ? prefectOpaque(`${obj.what}[...]`) : plainOpaque(`${obj.what}[...]`);
    case 'native':
      if (obj.type === 'typing') return native('typing-generic', obj.data);
      return refuse(node, `indexing a ${obj.type} object`);
    default:
      return refuse(node, `indexing ${obj.kind} values`);
  }
}

function sliceOf(interp: Interp, obj: Value, sliceNode: Syntax, scope: Scope): Value {
  // A slice holds up to three optional parts; the converter drops the ':' tokens, so the slot of
  // each part is the number of colons before it.
  const parts: (Value | undefined)[] = [undefined, undefined, undefined];
  const text = sliceNode.file.text;
  let slot = 0;
  let pos = sliceNode.start;
  for (const c of namedChildren(sliceNode)) {
    slot += countColons(text.slice(pos, c.start));
    parts[slot] = interp.evalExpr(c, scope);
    pos = c.end;
  }
  const toInt = (v: Value | undefined): number | undefined => {
    if (v === undefined || v.kind === 'none') return undefined;
    if (v.kind === 'int') return Number(v.v);
    if (v.kind === 'opaque') refuseUnknown(v, sliceNode, 'a slice bound');
    return raisePy(sliceNode, 'TypeError', 'slice indices must be integers or None');
  };
  const start = toInt(parts[0]);
  const stop = toInt(parts[1]);
  const step = toInt(parts[2]) ?? 1;
  if (step === 0) raisePy(sliceNode, 'ValueError', 'slice step cannot be zero');
  let items: readonly Value[];
  if (obj.kind === 'list' || obj.kind === 'tuple') items = obj.items;
  else if (obj.kind === 'str') items = [...obj.v].map(pyStr);
  else if (obj.kind === 'opaque') return obj.prefectish ? prefectOpaque(`${obj.what}[...]`) : plainOpaque(`${obj.what}[...]`);
  else return refuse(sliceNode, `slicing ${obj.kind} values`);
  const n = items.length;
  const norm = (v: number | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === undefined) return dflt;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: Value[] = [];
  if (step > 0) {
    for (let i = norm(start, 0, 0, n); i < norm(stop, n, 0, n); i += step) out.push(items[i] as Value);
  } else {
    for (let i = norm(start, n - 1, -1, n - 1); i > norm(stop, -1, -1, n - 1); i += step) out.push(items[i] as Value);
  }
  if (obj.kind === 'str') return pyStr(out.map((v) => (v.kind === 'str' ? v.v : '')).join(''));
  return obj.kind === 'list' ? pyList(out) : pyTuple(out);
}

function countColons(s: string): number {
  return (s.match(/:/g) ?? []).length;
}


/**
 * Calls: argument evaluation (with `*args` / `**kwargs` unpacking of known values) and dispatch
 * by what is called. Unknown callables are the delicate case: inside a flow block they could
 * add tasks, and given a task or flow they could change it, so those calls are refused.
 */
import { checkPoison, describe, expectStr, refuseUnknown } from '../convert.js';
import { callTask } from '../prefect-model/task-ops.js';
import { raisePy, refuse } from '../refusal.js';
import { field, namedChildren, textOf, type Syntax } from '../syntax.js';
import { plainOpaque, prefectOpaque, type OpaqueV, type Value } from '../values.js';
import { instantiate, superObject } from './classes.js';
import { invokeFunction } from './functions.js';
import type { CallArgs, Interp } from './interp-types.js';
import type { Scope } from './scope.js';

export function evalCall(interp: Interp, node: Syntax, scope: Scope): Value {
  const fnNode = field(node, 'function') as Syntax;
  const fn = interp.evalExpr(fnNode, scope);
  if (fn.kind === 'builtin' && fn.name === 'super' && fnNode.type === 'identifier') return superObject(interp, scope, node);
  const args = evalArguments(interp, field(node, 'arguments'), scope);
  return interp.call(fn, args, node);
}

/** Evaluates an `argument_list` (or a lone generator expression argument). */
export function evalArguments(interp: Interp, argsNode: Syntax | undefined, scope: Scope): CallArgs {
  const args: CallArgs = { positional: [], keywords: [] };
  if (!argsNode) return args;
  if (argsNode.type === 'generator_expression') {
    args.positional.push(interp.evalExpr(argsNode, scope));
    return args;
  }
  const seen = new Set<string>();
  const addKeyword = (k: string, v: Value, at: Syntax): void => {
    if (seen.has(k)) raisePy(at, 'TypeError', `keyword argument repeated: ${k}`);
    seen.add(k);
    args.keywords.push([k, v]);
  };
  for (const a of namedChildren(argsNode)) {
    if (a.type === 'keyword_argument') {
      addKeyword(textOf(field(a, 'name') as Syntax), interp.evalExpr(field(a, 'value') as Syntax, scope), a);
    } else if (a.type === 'list_splat') {
      const v = interp.evalExpr(namedChildren(a)[0] as Syntax, scope);
      if (v.kind === 'opaque') refuseUnknown(v, a, '*args (the number of arguments)');
      args.positional.push(...interp.iterate(v, a));
    } else if (a.type === 'dictionary_splat') {
      const v = interp.evalExpr(namedChildren(a)[0] as Syntax, scope);
      checkPoison(v);
      if (v.kind !== 'dict') {
        if (v.kind === 'opaque') refuseUnknown(v, a, '**kwargs (which keywords are passed)');
        return refuse(a, `**kwargs from ${describe(v)}`);
      }
      for (const { k, v: val } of v.map.values()) addKeyword(expectStr(k, a, 'a keyword name'), val, a);
    } else {
      if (args.keywords.length > 0) refuse(a, 'a positional argument after keyword arguments');
      args.positional.push(interp.evalExpr(a, scope));
    }
  }
  return args;
}

/** Calls any value. */
export function callValue(interp: Interp, fn: Value, args: CallArgs, node: Syntax): Value {
  checkPoison(fn);
  switch (fn.kind) {
    case 'builtin': return fn.call(interp, args, node);
    case 'func': return invokeFunction(interp, fn, args, node);
    case 'class': return instantiate(interp, fn, args, node);
    case 'task': return { kind: 'task', t: callTask(interp, fn.t, args, node) };
    case 'opaque': return callOpaque(interp, fn, args, node);
    case 'flow': return raisePy(node, 'TypeError', "'Flow' object is not callable");
    case 'native':
      if (fn.type === 'exception') return fn;
      return refuse(node, `calling a ${fn.type} object`);
    default:
      return raisePy(node, 'TypeError', `'${fn.kind}' object is not callable`);
  }
}

/** Values an unknown callable could change, or call back into flow-building code. */
function touchesPrefect(v: Value, depth = 0): boolean {
  if (depth > 20) return true;
  switch (v.kind) {
    case 'task': case 'flow': case 'func': case 'class': return true;
    case 'builtin': return v.prefect === true;
    case 'list': case 'tuple': return v.items.some((i) => touchesPrefect(i, depth + 1));
    case 'dict': return [...v.map.values()].some((e) => touchesPrefect(e.v, depth + 1));
    case 'opaque': return v.prefectish;
    default: return false;
  }
}

function callOpaque(interp: Interp, fn: OpaqueV, args: CallArgs, node: Syntax): Value {
  if (fn.poison) throw fn.poison;
  // prefect.context / prefect.config decide tags and task defaults: changing them is not followed.
  if (/^prefect\.(context|config)\b/.test(fn.what) && !/^prefect\.(context|config)(\.[A-Za-z_]\w*)*\.get$/.test(fn.what)) {
    refuse(node, `calling ${fn.what} (it may change Prefect's context or configuration)`);
  }
  const all = [...args.positional, ...args.keywords.map(([, v]) => v)];
  for (const a of all) checkPoison(a);
  const hands = all.find((a) => touchesPrefect(a));
  if (fn.prefectish) {
    if (interp.ctx.flow) refuse(node, `calling ${fn.what} inside a flow block (the loader does not model it, and it could add tasks)`);
    if (hands && (hands.kind === 'task' || hands.kind === 'flow')) refuse(node, `passing ${describe(hands)} to ${fn.what}`);
    return prefectOpaque(`the result of ${fn.what}(...)`, fn.mayBeFlow, node);
  }
  if (hands) {
    if (hands.kind === 'task' || hands.kind === 'flow') return refuse(node, `passing ${describe(hands)} to ${fn.what}`);
    if (interp.ctx.flow) return refuse(node, `passing ${describe(hands)} to ${fn.what} inside a flow block`);
    // It may call the function it was given later: whatever it returns is not plain data.
    return prefectOpaque(`the result of ${fn.what}(...)`, false);
  }
  return plainOpaque(`the result of ${fn.what}(...)`);
}

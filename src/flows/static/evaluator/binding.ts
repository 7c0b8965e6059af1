/**
 * `inspect.Signature.bind` for the parameter shapes Python has: positional-only, positional-or-
 * keyword, *args, keyword-only, **kwargs. The result is in parameter order, as Python's
 * `BoundArguments.arguments` is; **kwargs keep call order.
 */
import { raisePy } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import type { Value } from '../values.js';
import type { CallArgs } from './interp-types.js';

export interface BindParam {
  name: string;
  kind: 'posonly' | 'pos' | 'varargs' | 'kwonly' | 'varkw';
  hasDefault: boolean;
}

export type Bound =
  | { name: string; kind: 'value'; value: Value }
  | { name: string; kind: 'varargs'; values: Value[] }
  | { name: string; kind: 'varkw'; entries: [string, Value][] };

/**
 * Binds call arguments to parameters. Only arguments actually given appear (defaults are not
 * applied), except that *args/**kwargs appear when they received something.
 * Raises TypeError as Python does for missing, duplicate or unexpected arguments.
 */
export function bindArguments(params: readonly BindParam[], args: CallArgs, fnName: string, node: Syntax): Bound[] {
  const given = new Map<string, Bound>();
  const positional = [...args.positional];
  let varargs: Bound | undefined;
  for (const p of params) {
    if (p.kind === 'posonly' || p.kind === 'pos') {
      if (positional.length === 0) continue;
      given.set(p.name, { name: p.name, kind: 'value', value: positional.shift() as Value });
    } else if (p.kind === 'varargs') {
      varargs = { name: p.name, kind: 'varargs', values: positional.splice(0) };
      if (varargs.values.length > 0) given.set(p.name, varargs);
    }
  }
  if (positional.length > 0) {
    const max = params.filter((p) => p.kind === 'posonly' || p.kind === 'pos').length;
    raisePy(node, 'TypeError', `${fnName}() takes ${max} positional argument${max === 1 ? '' : 's'} but more were given`);
  }
  const varkwParam = params.find((p) => p.kind === 'varkw');
  const extra: [string, Value][] = [];
  for (const [key, value] of args.keywords) {
    const p = params.find((q) => q.name === key && (q.kind === 'pos' || q.kind === 'kwonly'));
    if (p) {
      if (given.has(p.name)) raisePy(node, 'TypeError', `${fnName}() got multiple values for argument '${key}'`);
      given.set(p.name, { name: p.name, kind: 'value', value });
    } else if (varkwParam) {
      if (extra.some(([k]) => k === key)) raisePy(node, 'TypeError', `${fnName}() got multiple values for keyword argument '${key}'`);
      extra.push([key, value]);
    } else {
      raisePy(node, 'TypeError', `${fnName}() got an unexpected keyword argument '${key}'`);
    }
  }
  if (varkwParam && extra.length > 0) given.set(varkwParam.name, { name: varkwParam.name, kind: 'varkw', entries: extra });
  for (const p of params) {
    if ((p.kind === 'posonly' || p.kind === 'pos' || p.kind === 'kwonly') && !p.hasDefault && !given.has(p.name)) {
      raisePy(node, 'TypeError', `${fnName}() missing a required argument: '${p.name}'`);
    }
  }
  const out: Bound[] = [];
  for (const p of params) {
    const b = given.get(p.name);
    if (b) out.push(b);
  }
  return out;
}

/** Task.bind's view: name → value pairs, with **kwargs expanded at the end. */
export function flattenBound(bound: readonly Bound[], node: Syntax): [string, Value][] {
  const out: [string, Value][] = [];
  let varkw: [string, Value][] = [];
  for (const b of bound) {
    if (b.kind === 'value') out.push([b.name, b.value]);
    else if (b.kind === 'varkw') varkw = b.entries;
    else raisePy(node, 'ValueError', 'Tasks with variable positional arguments (*args) are not supported');
  }
  // callargs.update(callargs.pop(var_kw_name)): a key equal to a named parameter overwrites it.
  for (const [k, v] of varkw) {
    const i = out.findIndex(([name]) => name === k);
    if (i >= 0) out[i] = [k, v];
    else out.push([k, v]);
  }
  return out;
}

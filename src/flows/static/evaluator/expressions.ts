/**
 * Expressions. Each node type Python can evaluate is either modelled exactly or refused; values
 * that are unknown flow through as `opaque` until something needs them.
 */
import { checkPoison, refuseUnknown } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import { field, namedChildren, textOf, type Syntax } from '../syntax.js';
import { FALSE, NONE, pyFloatV, pyInt, pyList, pyTuple, TRUE, type DictV, type SetV, type Value } from '../values.js';
import { evalBinary, evalBoolOp, evalCompare, evalUnary } from './operators.js';
import { evalCall } from './calls.js';
import { evalComprehension } from './comprehensions.js';
import { makeFunction } from './functions.js';
import type { Interp } from './interp-types.js';
import { keyOf } from './ops.js';
import type { Scope } from './scope.js';
import { evalString } from './strings.js';
import { lookupName } from './names.js';
import { subscript } from './subscript.js';

/** Evaluates an expression node. */
export function evaluate(interp: Interp, node: Syntax, scope: Scope): Value {
  interp.step(node);
  switch (node.type) {
    case 'identifier': return lookupName(interp, textOf(node), node, scope);
    case 'integer': return intLiteral(node);
    case 'float': return floatLiteral(node);
    case 'true': return TRUE;
    case 'false': return FALSE;
    case 'none': return NONE;
    case 'string': case 'concatenated_string': return evalString(interp, node, scope);
    case 'parenthesized_expression': {
      const inner = namedChildren(node)[0];
      if (!inner) return refuse(node, 'an empty parenthesized expression');
      return evaluate(interp, inner, scope);
    }
    case 'attribute': {
      const obj = evaluate(interp, field(node, 'object') as Syntax, scope);
      return interp.getAttr(obj, textOf(field(node, 'attribute') as Syntax), node);
    }
    case 'subscript': return subscript(interp, node, scope);
    case 'call': return evalCall(interp, node, scope);
    case 'list': return pyList(evalItems(interp, node, scope));
    case 'tuple': case 'expression_list': return pyTuple(evalItems(interp, node, scope));
    case 'dictionary': return evalDict(interp, node, scope);
    case 'set': return evalSet(interp, node, scope);
    case 'binary_operator': return evalBinary(interp, node, scope);
    case 'unary_operator': return evalUnary(interp, node, scope);
    case 'not_operator': {
      const v = evaluate(interp, field(node, 'argument') as Syntax, scope);
      return interp.truthy(v, node) ? FALSE : TRUE;
    }
    case 'boolean_operator': return evalBoolOp(interp, node, scope);
    case 'comparison_operator': return evalCompare(interp, node, scope);
    case 'conditional_expression': {
      const [whenTrue, cond, whenFalse] = namedChildren(node);
      if (!whenTrue || !cond || !whenFalse) return refuse(node, 'a conditional expression the loader cannot read');
      return interp.truthy(evaluate(interp, cond, scope), cond) ? evaluate(interp, whenTrue, scope) : evaluate(interp, whenFalse, scope);
    }
    case 'lambda': return makeFunction(interp, node, scope, qualPrefixOf(scope));
    case 'list_comprehension': case 'set_comprehension': case 'dictionary_comprehension': case 'generator_expression':
      return evalComprehension(interp, node, scope);
    case 'ellipsis': return { kind: 'native', type: 'ellipsis', data: null };
    case 'keyword_argument': case 'list_splat': case 'dictionary_splat':
      return refuse(node, 'an argument form outside a call');
    case 'named_expression': return refuse(node, 'an assignment expression (:=)');
    case 'await': case 'yield': return refuse(node, `${node.type} expressions`);
    default:
      return refuse(node, `the expression type "${node.type}"`);
  }
}

/** The `__qualname__` prefix for functions defined in a scope. */
export function qualPrefixOf(scope: Scope): string {
  const q = scope.vars.get('\u0000qualname');
  return q && q.kind === 'str' ? q.v : '';
}

function intLiteral(node: Syntax): Value {
  const raw = textOf(node).replace(/_/g, '');
  if (/[jJ]$/.test(raw)) return refuse(node, 'a complex number literal');
  if (/^0[xX]/.test(raw)) return pyInt(BigInt(raw));
  if (/^0[oO]/.test(raw)) return pyInt(BigInt('0o' + raw.slice(2)));
  if (/^0[bB]/.test(raw)) return pyInt(BigInt('0b' + raw.slice(2)));
  if (/^[0-9]+$/.test(raw)) return pyInt(BigInt(raw));
  return refuse(node, 'an integer literal the loader cannot read');
}

function floatLiteral(node: Syntax): Value {
  const raw = textOf(node).replace(/_/g, '');
  if (/[jJ]$/.test(raw)) return refuse(node, 'a complex number literal');
  const v = Number(raw);
  if (Number.isNaN(v)) return refuse(node, 'a float literal the loader cannot read');
  return pyFloatV(v);
}

/** Items of a list/tuple display, with `*iterable` unpacked. */
export function evalItems(interp: Interp, node: Syntax, scope: Scope): Value[] {
  const out: Value[] = [];
  for (const c of namedChildren(node)) {
    if (c.type === 'list_splat') {
      const inner = namedChildren(c)[0];
      if (!inner) refuse(c, 'an empty starred item');
      out.push(...interp.iterate(evaluate(interp, inner, scope), c));
    } else out.push(evaluate(interp, c, scope));
  }
  return out;
}

/** Inserts into a dict as Python does (the first key object stays, the value is replaced). */
export function dictSet(d: DictV, k: Value, v: Value, node: Syntax): void {
  checkPoison(k);
  const key = keyOf(k);
  if (key === undefined) {
    if (k.kind === 'opaque') refuseUnknown(k, node, 'a dict key');
    raisePy(node, 'TypeError', `unhashable type: '${k.kind}'`);
  }
  const existing = d.map.get(key);
  if (existing) existing.v = v;
  else d.map.set(key, { k, v });
}

function evalDict(interp: Interp, node: Syntax, scope: Scope): Value {
  const d: DictV = { kind: 'dict', map: new Map() };
  for (const c of namedChildren(node)) {
    if (c.type === 'pair') {
      const k = evaluate(interp, field(c, 'key') as Syntax, scope);
      const v = evaluate(interp, field(c, 'value') as Syntax, scope);
      dictSet(d, k, v, c);
    } else if (c.type === 'dictionary_splat') {
      const src = evaluate(interp, namedChildren(c)[0] as Syntax, scope);
      checkPoison(src);
      if (src.kind !== 'dict') {
        if (src.kind === 'opaque') refuseUnknown(src, c, 'a **mapping');
        return refuse(c, 'unpacking a mapping the loader does not model');
      }
      for (const e of src.map.values()) dictSet(d, e.k, e.v, c);
    } else return refuse(c, 'a dict display item the loader cannot read');
  }
  return d;
}

/** Adds to a set (unhashable values raise). */
export function setAdd(s: SetV, v: Value, node: Syntax): void {
  checkPoison(v);
  const key = keyOf(v);
  if (key === undefined) {
    if (v.kind === 'opaque') refuseUnknown(v, node, 'a set item');
    raisePy(node, 'TypeError', `unhashable type: '${v.kind}'`);
  }
  if (!s.map.has(key)) s.map.set(key, v);
}

function evalSet(interp: Interp, node: Syntax, scope: Scope): Value {
  const s: SetV = { kind: 'set', map: new Map() };
  for (const item of evalItems(interp, node, scope)) setAdd(s, item, node);
  return s;
}

/** Keyword names of a call's `keyword_argument` children. */
export function keywordName(node: Syntax): string {
  return textOf(field(node, 'name') as Syntax);
}


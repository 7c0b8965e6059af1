/**
 * User functions: `def` and `lambda` values (defaults evaluated at definition, annotations kept
 * as syntax for Task signatures), Python's static local-variable rule, and calls.
 */
import { FileRefusal, raisePy, refuse } from '../refusal.js';
import { field, fieldAll, namedChildren, textOf, type Syntax } from '../syntax.js';
import { NONE, pyStr, pyTuple, type FuncV, type ParamSpec, type Value } from '../values.js';
import { bindArguments } from './binding.js';
import type { CallArgs, Interp } from './interp-types.js';
import { Scope } from './scope.js';

const MAX_CALL_DEPTH = 60;
let callDepth = 0;

/** The parameter list of a `parameters` / `lambda_parameters` node. Defaults are evaluated now. */
export function readParams(interp: Interp, node: Syntax | undefined, scope: Scope): ParamSpec[] {
  const out: ParamSpec[] = [];
  if (!node) return out;
  let kind: ParamSpec['kind'] = 'pos';
  const children = namedChildren(node);
  const hasPosOnly = children.some((c) => c.type === 'positional_separator');
  if (hasPosOnly) kind = 'posonly';
  for (const p of children) {
    switch (p.type) {
      case 'positional_separator':
        for (const q of out) if (q.kind === 'pos') q.kind = 'posonly';
        kind = 'pos';
        break;
      case 'keyword_separator':
        kind = 'kwonly';
        break;
      case 'identifier':
        out.push({ name: textOf(p), kind });
        break;
      case 'typed_parameter': {
        const inner = namedChildren(p)[0];
        const annotation = field(p, 'type');
        if (inner?.type === 'list_splat_pattern') {
          out.push({ name: textOf(namedChildren(inner)[0] as Syntax), kind: 'varargs', ...(annotation ? { annotation } : {}) });
          kind = 'kwonly';
        } else if (inner?.type === 'dictionary_splat_pattern') {
          out.push({ name: textOf(namedChildren(inner)[0] as Syntax), kind: 'varkw', ...(annotation ? { annotation } : {}) });
        } else if (inner) out.push({ name: textOf(inner), kind, ...(annotation ? { annotation } : {}) });
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = field(p, 'name');
        const value = field(p, 'value');
        const annotation = field(p, 'type');
        if (!name || !value) return refuse(p, 'a parameter the loader cannot read');
        out.push({ name: textOf(name), kind, default: interp.evalExpr(value, scope), ...(annotation ? { annotation } : {}) });
        break;
      }
      case 'list_splat_pattern':
        out.push({ name: textOf(namedChildren(p)[0] as Syntax), kind: 'varargs' });
        kind = 'kwonly';
        break;
      case 'dictionary_splat_pattern':
        out.push({ name: textOf(namedChildren(p)[0] as Syntax), kind: 'varkw' });
        break;
      default:
        return refuse(p, 'a parameter form the loader does not read');
    }
  }
  // In `def f(a, /, b)`, everything before `/` is positional-only; after it, back to normal.
  if (!hasPosOnly) for (const q of out) if (q.kind === 'posonly') q.kind = 'pos';
  return out;
}

/** Names Python makes local to a function body (assignment anywhere, not in nested scopes). */
export function collectLocals(body: Syntax, locals: Set<string>, globalsDeclared: Set<string>): void {
  const visitTarget = (t: Syntax): void => {
    if (t.type === 'identifier') locals.add(textOf(t));
    else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'tuple', 'list', 'parenthesized_expression', 'expression_list'].includes(t.type)) {
      for (const c of namedChildren(t)) visitTarget(c);
    }
  };
  const walk = (n: Syntax): void => {
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = field(n, 'name');
        if (name) locals.add(textOf(name));
        // Decorators and defaults belong to the outer scope, the body does not.
        for (const c of fieldAll(n, 'parameters')) walkDefaults(c);
        return;
      }
      case 'lambda': case 'list_comprehension': case 'set_comprehension': case 'dictionary_comprehension': case 'generator_expression':
        return;
      case 'assignment': case 'augmented_assignment':
        for (const t of fieldAll(n, 'left')) visitTarget(t);
        break;
      case 'for_statement':
        for (const t of fieldAll(n, 'left')) visitTarget(t);
        break;
      case 'as_pattern_target':
        for (const c of namedChildren(n)) visitTarget(c);
        break;
      case 'named_expression': {
        const name = field(n, 'name');
        if (name) locals.add(textOf(name));
        break;
      }
      case 'import_statement': case 'import_from_statement':
        for (const c of fieldAll(n, 'name')) {
          if (c.type === 'aliased_import') locals.add(textOf(field(c, 'alias') as Syntax));
          else locals.add(textOf(namedChildren(c)[0] as Syntax));
        }
        break;
      case 'global_statement':
        for (const c of namedChildren(n)) globalsDeclared.add(textOf(c));
        return;
      case 'delete_statement':
        for (const c of namedChildren(n)) visitTarget(c);
        break;
      default:
        break;
    }
    for (const c of n.children) walk(c);
  };
  const walkDefaults = (_params: Syntax): void => {
    // Default expressions may hold walrus targets only in exotic code; ignored.
  };
  walk(body);
  for (const g of globalsDeclared) locals.delete(g);
}

/** True when a body contains `yield` (a generator function) outside nested scopes. */
export function containsYield(body: Syntax): boolean {
  const walk = (n: Syntax): boolean => {
    if (n.type === 'yield') return true;
    if (['function_definition', 'class_definition', 'lambda'].includes(n.type)) return false;
    return n.children.some(walk);
  };
  return walk(body);
}

/** Calls a user function. */
export function invokeFunction(interp: Interp, fn: FuncV, args: CallArgs, node: Syntax, extraVars: [string, Value][] = []): Value {
  // Deep recursion either ends with a value the loader did not compute or with RecursionError,
  // which fails the whole import: so the whole file is refused, not just this statement.
  if (callDepth >= MAX_CALL_DEPTH) throw new FileRefusal(node, `calls nested deeper than ${MAX_CALL_DEPTH} (recursion; Python may raise RecursionError)`);
  // The parser keeps no body for `@task` functions; running one means `task` is not Prefect's.
  if (fn.body.type === 'skipped_block') refuse(node, `running the body of ${fn.name} (a task body or a run method) while building the flow`);
  if (!fn.isLambda && containsYield(fn.body)) refuse(node, `calling the generator function ${fn.name}`);
  const bound = bindArguments(fn.params.map((p) => ({ name: p.name, kind: p.kind, hasDefault: p.default !== undefined })), args, fn.name, node);
  const scope = new Scope('function', fn.closure, fn.closure.module, fn.locals);
  for (const g of fn.globalsDeclared) scope.globalsDeclared.add(g);
  // Hidden bindings: the qualname prefix for nested definitions, and super()'s class and self.
  scope.vars.set('\u0000qualname', pyStr(`${fn.qualname}.<locals>.`));
  for (const [k, v] of extraVars) scope.vars.set(k, v);
  for (const p of fn.params) {
    const b = bound.find((x) => x.name === p.name);
    if (p.kind === 'varargs') scope.vars.set(p.name, pyTuple(b && b.kind === 'varargs' ? b.values : []));
    else if (p.kind === 'varkw') {
      const map = new Map<string, { k: Value; v: Value }>();
      if (b && b.kind === 'varkw') for (const [k, v] of b.entries) map.set(`s${k}`, { k: { kind: 'str', v: k }, v });
      scope.vars.set(p.name, { kind: 'dict', map });
    } else if (b && b.kind === 'value') scope.vars.set(p.name, b.value);
    else if (p.default !== undefined) scope.vars.set(p.name, p.default);
    else raisePy(node, 'TypeError', `${fn.name}() missing argument '${p.name}'`);
  }
  callDepth++;
  try {
    if (fn.isLambda) return interp.evalExpr(fn.body, scope);
    const result = execFunctionBody(interp, fn.body, scope);
    return result ?? NONE;
  } finally {
    callDepth--;
  }
}

/** Set by the statement executor (avoids an import cycle). */
let execFunctionBody: (interp: Interp, body: Syntax, scope: Scope) => Value | undefined = () => undefined;

export function setFunctionBodyRunner(runner: (interp: Interp, body: Syntax, scope: Scope) => Value | undefined): void {
  execFunctionBody = runner;
}

/** Builds the function value for a `def` or `lambda` node. */
export function makeFunction(interp: Interp, node: Syntax, scope: Scope, qualPrefix: string): FuncV {
  const isLambda = node.type === 'lambda';
  const nameNode = field(node, 'name');
  const name = isLambda ? '<lambda>' : textOf(nameNode as Syntax);
  if (!isLambda && node.children.some((c) => !c.named && c.type === 'async')) refuse(node, 'an async function');
  const params = readParams(interp, field(node, 'parameters'), scope);
  const body = field(node, 'body') as Syntax;
  const locals = new Set<string>(params.map((p) => p.name));
  const globalsDeclared = new Set<string>();
  if (!isLambda) collectLocals(body, locals, globalsDeclared);
  if (namedChildren(body).some((c) => c.type === 'nonlocal_statement')) refuse(node, 'a nonlocal statement');
  return {
    kind: 'func', name, qualname: qualPrefix + name, module: scope.module.name, params,
    returns: field(node, 'return_type'), body, isLambda, closure: scope, node, locals, globalsDeclared,
  };
}

/**
 * Statements. Control flow runs only on known values; `while`, `try`, `match` and async code are
 * refused (their effect on flows cannot be followed with certainty). A `while` refuses the whole
 * file: it may never end, and then Python never finishes importing the file.
 */
import { checkPoison, describe } from '../convert.js';
import { FileRefusal, raisePy, refuse } from '../refusal.js';
import { field, fieldAll, namedChildren, textOf, type Syntax } from '../syntax.js';
import { NONE, type Value } from '../values.js';
import { defineClass } from './classes.js';
import { applyDecorators } from './decorators.js';
import { makeFunction, setFunctionBodyRunner } from './functions.js';
import { execImport } from './imports.js';
import type { Interp } from './interp-types.js';
import { binaryOp } from './operators.js';
import { qualPrefixOf } from './expressions.js';
import type { Scope } from './scope.js';
import { assignTarget } from './targets.js';
import { execWith } from './with.js';

/** How a block ended. */
export type Completion = undefined | { type: 'break' } | { type: 'continue' } | { type: 'return'; value: Value };

export function execBlock(interp: Interp, block: Syntax, scope: Scope): Completion {
  for (const stmt of namedChildren(block)) {
    const c = execStatement(interp, stmt, scope);
    if (c) return c;
  }
  return undefined;
}

setFunctionBodyRunner((interp, body, scope) => {
  const c = execBlock(interp, body, scope);
  if (c?.type === 'return') return c.value;
  if (c) refuse(body, `"${c.type}" outside a loop`);
  return undefined;
});

export function execStatement(interp: Interp, node: Syntax, scope: Scope): Completion {
  interp.step(node);
  switch (node.type) {
    case 'expression_statement':
      for (const c of namedChildren(node)) execExpressionStatement(interp, c, scope);
      return undefined;
    case 'if_statement': return execIf(interp, node, scope);
    case 'for_statement': return execFor(interp, node, scope);
    case 'with_statement': return execWith(interp, node, scope, execBlock);
    case 'function_definition': {
      const fn = makeFunction(interp, node, scope, qualPrefixOf(scope));
      scope.assign(fn.name, fn);
      return undefined;
    }
    case 'class_definition': {
      const cls = defineClass(interp, node, scope, execBlock);
      scope.assign(textOf(field(node, 'name') as Syntax), cls);
      return undefined;
    }
    case 'decorated_definition': {
      const def = field(node, 'definition') as Syntax;
      // Decorator expressions are evaluated before the definition, applied bottom-up after it.
      const decorators = namedChildren(node).filter((c) => c.type === 'decorator').map((d) => ({ node: d, value: interp.evalExpr(namedChildren(d)[0] as Syntax, scope) }));
      const defined = def.type === 'class_definition' ? defineClass(interp, def, scope, execBlock) : makeFunction(interp, def, scope, qualPrefixOf(scope));
      const name = textOf(field(def, 'name') as Syntax);
      scope.assign(name, applyDecorators(interp, decorators, defined, scope));
      return undefined;
    }
    case 'import_statement': case 'import_from_statement': case 'future_import_statement':
      execImport(interp, node, scope);
      return undefined;
    case 'return_statement': {
      const expr = namedChildren(node)[0];
      return { type: 'return', value: expr ? interp.evalExpr(expr, scope) : NONE };
    }
    case 'pass_statement': return undefined;
    case 'break_statement': return { type: 'break' };
    case 'continue_statement': return { type: 'continue' };
    case 'global_statement':
      for (const c of namedChildren(node)) if (scope.kind === 'function') scope.globalsDeclared.add(textOf(c));
      return undefined;
    case 'delete_statement': {
      for (const t of namedChildren(node)) {
        const targets = t.type === 'expression_list' ? namedChildren(t) : [t];
        for (const target of targets) {
          if (target.type !== 'identifier') refuse(target, 'deleting something other than a name');
          if (!scope.remove(textOf(target))) raisePy(target, 'NameError', `name '${textOf(target)}' is not defined`);
        }
      }
      return undefined;
    }
    case 'assert_statement': {
      const [cond] = namedChildren(node);
      if (cond && !interp.truthy(interp.evalExpr(cond, scope), cond)) raisePy(node, 'AssertionError', textOf(node));
      return undefined;
    }
    case 'raise_statement': return raisePy(node, 'Exception', `the file raises: ${textOf(node)}`);
    case 'comment': return undefined;
    case 'while_statement':
      // Not a plain refusal (which poisons and goes on): if the loop never ends, no flow of the
      // file is registered, so none may be emitted.
      throw new FileRefusal(node, 'a while loop (the loader does not follow it, and if it never ends Python never finishes importing the file)');
    case 'try_statement': return refuse(node, 'a try statement (which branch runs depends on exceptions)');
    case 'match_statement': return refuse(node, 'a match statement');
    case 'nonlocal_statement': return refuse(node, 'a nonlocal statement');
    default:
      return refuse(node, `the statement type "${node.type}"`);
  }
}

function execExpressionStatement(interp: Interp, node: Syntax, scope: Scope): void {
  if (node.type === 'assignment') {
    execAssignment(interp, node, scope);
    return;
  }
  if (node.type === 'augmented_assignment') {
    execAugmented(interp, node, scope);
    return;
  }
  interp.evalExpr(node, scope);
}

function execAssignment(interp: Interp, node: Syntax, scope: Scope): Value {
  const right = field(node, 'right');
  const left = fieldAll(node, 'left');
  // `x: int` without a value only annotates.
  if (!right) return NONE;
  // `a = b = c` nests assignments on the right: the value is assigned left to right.
  const value = right.type === 'assignment' ? execAssignment(interp, right, scope) : right.type === 'yield' ? refuse(right, 'yield') : interp.evalExpr(right, scope);
  for (const target of left) assignTarget(interp, target, value, scope);
  return value;
}

function execAugmented(interp: Interp, node: Syntax, scope: Scope): void {
  const target = field(node, 'left') as Syntax;
  const opNode = field(node, 'operator');
  // Anonymous tokens are named after their text (the converter keeps no offsets for them).
  const op = (opNode ? opNode.type : '+=').replace(/=$/, '');
  // Python evaluates `obj` / `obj[key]` once; evaluating twice is only equivalent without calls.
  if (target.type !== 'identifier' && containsCall(target)) refuse(target, 'augmented assignment to a target that calls something');
  const current = interp.evalExpr(target, scope);
  const rhs = interp.evalExpr(field(node, 'right') as Syntax, scope);
  checkPoison(current);
  if (current.kind === 'list' && op === '+') {
    // list.__iadd__ extends the same object (aliases see the change).
    current.items.push(...interp.iterate(rhs, node));
    return;
  }
  if (current.kind === 'dict' || current.kind === 'set') refuse(node, `augmented assignment on ${describe(current)}`);
  const value = binaryOp(interp, op, current, rhs, node);
  if (target.type === 'identifier') scope.assign(textOf(target), value);
  else assignTarget(interp, target, value, scope);
}

function containsCall(node: Syntax): boolean {
  return node.type === 'call' || node.children.some(containsCall);
}

function execIf(interp: Interp, node: Syntax, scope: Scope): Completion {
  const cond = field(node, 'condition') as Syntax;
  if (interp.truthy(interp.evalExpr(cond, scope), cond)) return execBlock(interp, field(node, 'consequence') as Syntax, scope);
  for (const alt of fieldAll(node, 'alternative')) {
    if (alt.type === 'elif_clause') {
      const c = field(alt, 'condition') as Syntax;
      if (interp.truthy(interp.evalExpr(c, scope), c)) return execBlock(interp, field(alt, 'consequence') as Syntax, scope);
    } else if (alt.type === 'else_clause') {
      return execBlock(interp, field(alt, 'body') as Syntax, scope);
    }
  }
  return undefined;
}

function execFor(interp: Interp, node: Syntax, scope: Scope): Completion {
  if (node.children.some((c) => !c.named && c.type === 'async')) refuse(node, 'an async for loop');
  const iterable = interp.evalExpr(field(node, 'right') as Syntax, scope);
  const targets = fieldAll(node, 'left');
  const target = targets[0] as Syntax;
  const body = field(node, 'body') as Syntax;
  for (const item of iterItems(interp, iterable, node)) {
    assignTarget(interp, target, item, scope);
    const c = execBlock(interp, body, scope);
    if (c?.type === 'break') return undefined;
    if (c?.type === 'return') return c;
  }
  const alt = field(node, 'alternative');
  if (alt) return execBlock(interp, field(alt, 'body') as Syntax, scope);
  return undefined;
}

/** Lazily iterated for `for` loops (lists by index, as Python does). */
let iterItems: (interp: Interp, v: Value, node: Syntax) => Iterable<Value> = (interp, v, node) => interp.iterate(v, node);
export function setLoopIterator(f: typeof iterItems): void {
  iterItems = f;
}

/**
 * Statement-level compile checks for compile-checks.ts: `try` clauses, annotated and chained
 * assignments, imports, `from __future__`, and `global` / `nonlocal` declarations. Each throws
 * a SyntaxFound for the first problem.
 */
import { checkTarget, debugName } from './compile-forms.js';
import { bindings, firstUses, type CodeScope } from './compile-scopes.js';
import { field, fieldAll, namedChildren, textOf, type Syntax, type SyntaxProblem } from './syntax.js';

/** Thrown with the first problem found; caught by checkSyntax. */
export class SyntaxFound extends Error {
  constructor(readonly problem: SyntaxProblem) {
    super(problem.message);
  }
}

export function fail(node: Syntax | number, message: string): never {
  throw new SyntaxFound({ offset: typeof node === 'number' ? node : node.start, message: `SyntaxError: ${message}` });
}

export function unsupported(node: Syntax, message: string): never {
  throw new SyntaxFound({ offset: node.start, message, code: 'E_UNSUPPORTED' });
}

export function must(problem: SyntaxProblem | undefined): void {
  if (problem) throw new SyntaxFound(problem);
}

const FUTURE_FEATURES = new Set(['nested_scopes', 'generators', 'division', 'absolute_import', 'with_statement', 'print_function',
  'unicode_literals', 'barry_as_FLUFL', 'generator_stop', 'annotations']);

/** except/except* clauses, `else` and `finally` of a `try`. */
export function checkTry(n: Syntax): void {
  const clauses = namedChildren(n);
  const handlers = clauses.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
  const star = (c: Syntax): boolean => c.type === 'except_group_clause' || c.children.some((t) => !t.named && t.type === '*');
  if (handlers.some(star) && !handlers.every(star)) fail(n, "cannot have both 'except' and 'except*' on the same 'try'");
  const final = clauses.find((c) => c.type === 'finally_clause');
  // tree-sitter accepts a lone `try:` block, e.g. a file cut off after it.
  if (handlers.length === 0 && !final) fail(n, "expected 'except' or 'finally' block");
  const orElse = clauses.find((c) => c.type === 'else_clause');
  if (orElse && handlers.length === 0) fail(orElse, "expected 'except' or 'finally' block");
  handlers.forEach((h, i) => {
    const values = fieldAll(h, 'value');
    if (values.length === 0 && i < handlers.length - 1) fail(h, "default 'except:' must be last");
    if (values.length > 1) fail(h, 'multiple exception types must be parenthesized');
    const value = values[0];
    const alias = value?.type === 'as_pattern' ? namedChildren(field(value, 'alias') ?? value)[0] : undefined;
    if (alias) must(debugName(alias));
  });
}

export function checkAssignment(n: Syntax): void {
  const lefts = fieldAll(n, 'left');
  const right = field(n, 'right');
  if (field(n, 'type')) {
    const left = lefts[0];
    const single = left && (left.type === 'identifier' || left.type === 'attribute' || left.type === 'subscript'
      || (left.type === 'tuple_pattern' && namedChildren(left).length === 1 && !textOf(left).includes(',')));
    if (!single || lefts.length > 1) fail(n, 'only single target (not tuple) can be annotated');
  }
  for (const left of lefts) must(checkTarget(left));
  if (right?.type === 'augmented_assignment') fail(n, 'invalid syntax');
  // An annotated assignment cannot be chained: `a = b: int = 1`, `a: int = b = 1`.
  if (right?.type === 'assignment' && (field(n, 'type') || field(right, 'type'))) fail(n, 'invalid syntax');
}

export function checkAugmented(n: Syntax): void {
  const left = field(n, 'left');
  if (left && left.type !== 'identifier' && left.type !== 'attribute' && left.type !== 'subscript') fail(left, 'illegal expression for augmented assignment');
  must(left && checkTarget(left));
  if (field(n, 'right')?.type === 'augmented_assignment') fail(n, 'invalid syntax');
}

export function checkImport(n: Syntax, scope: CodeScope): void {
  if (n.type === 'import_from_statement' && scope.kind !== 'module' && namedChildren(n).some((c) => c.type === 'wildcard_import')) {
    fail(n, 'import * only allowed at module level');
  }
  // tree-sitter accepts `import a, b,` and `from a import b,`.
  if (!textOf(n).includes('(') && textOf(n).trimEnd().endsWith(',')) fail(n, 'trailing comma not allowed without surrounding parentheses');
  for (const name of fieldAll(n, 'name')) {
    must(debugName(name.type === 'aliased_import' ? field(name, 'alias') : n.type === 'import_statement' ? namedChildren(name)[0] : namedChildren(name).at(-1)));
  }
}

/**
 * `from __future__ import ...` must come first in the module (after the docstring and other future
 * imports) and name a known feature. Returns the imports that are where they may be.
 */
export function checkFutureImports(module: Syntax): ReadonlySet<Syntax> {
  const placed = new Set<Syntax>();
  let leading = true;
  namedChildren(module).forEach((stmt, index) => {
    if (stmt.type === 'future_import_statement') {
      if (!leading) return;
      placed.add(stmt);
      for (const name of fieldAll(stmt, 'name')) {
        const feature = textOf(name.type === 'aliased_import' ? (field(name, 'name') ?? name) : name);
        if (feature === 'braces') fail(name, 'not a chance');
        if (!FUTURE_FEATURES.has(feature)) fail(name, `future feature ${feature} is not defined`);
      }
      return;
    }
    const only = namedChildren(stmt);
    const docstring = index === 0 && stmt.type === 'expression_statement' && only.length === 1 && ['string', 'concatenated_string'].includes(only[0]?.type ?? '');
    if (!docstring) leading = false;
  });
  return placed;
}

/** `global x` / `nonlocal x` after `x` is used or assigned in the same scope. */
function declaredAfterUse(n: Syntax, scope: CodeScope): void {
  scope.uses ??= firstUses(scope.node);
  for (const name of namedChildren(n)) {
    const first = scope.uses.get(textOf(name));
    if (first !== undefined && first < n.start) fail(name, `name '${textOf(name)}' is used prior to ${n.type === 'global_statement' ? 'global' : 'nonlocal'} declaration`);
  }
}

export function checkGlobal(n: Syntax, scope: CodeScope): void {
  for (const name of namedChildren(n)) {
    if (scope.kind === 'function' && bindings(scope).params.has(textOf(name))) fail(name, `name '${textOf(name)}' is parameter and global`);
  }
  declaredAfterUse(n, scope);
}

/** `nonlocal x` needs `x` bound in an enclosing function (class bodies are skipped). */
export function checkNonlocal(n: Syntax, scope: CodeScope): void {
  if (scope.kind === 'module') fail(n, 'nonlocal declaration not allowed at module level');
  for (const nameNode of namedChildren(n)) {
    const name = textOf(nameNode);
    if (scope.kind === 'function' && bindings(scope).params.has(name)) fail(nameNode, `name '${name}' is parameter and nonlocal`);
    let found = false;
    for (let s = scope.parent; s && s.kind !== 'module' && !found; s = s.parent) {
      // Methods get an implicit `__class__` cell from their class.
      if (s.kind === 'class' && name === '__class__') found = true;
      if (s.kind !== 'function') continue;
      const b = bindings(s);
      if (b.globals.has(name)) break;
      found = b.bound.has(name);
    }
    if (!found) fail(nameNode, `no binding for nonlocal '${name}' found`);
  }
  declaredAfterUse(n, scope);
}

/** A comma right after an opening bracket: `{,}`, `f(,)` (tree-sitter accepts some). */
export function checkLeadingComma(n: Syntax): void {
  const text = n.file.text;
  let i = n.start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x5c) i++;
    else if (c === 0x23) while (i < n.end && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    else break;
  }
  if (text.charCodeAt(i) === 0x2c && i < n.end) fail(n, 'invalid syntax');
}

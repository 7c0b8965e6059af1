/**
 * The names a function binds, as CPython's symbol table sees them, for the compile-time checks
 * of `nonlocal` and `global` (compile-checks.ts). Comprehension variables stay in their
 * comprehension; a walrus inside one binds in the function.
 */
import { field, fieldAll, namedChildren, textOf, type Syntax } from './syntax.js';

/** A code block as the symbol table sees it. */
export interface CodeScope {
  kind: 'module' | 'function' | 'class';
  node: Syntax;
  parent: CodeScope | undefined;
  bindings?: Bindings;
  uses?: Map<string, number>;
}

export interface Bindings {
  params: Set<string>;
  /** Assigned, imported, defined, deleted or declared nonlocal in the function itself. */
  bound: Set<string>;
  /** Declared global in the function. */
  globals: Set<string>;
}

const SEQUENCES = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'expression_list', 'parenthesized_expression',
  'list_splat_pattern', 'list_splat', 'as_pattern_target']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

function targetNames(t: Syntax, out: Set<string>): void {
  if (t.type === 'identifier') out.add(textOf(t));
  else if (SEQUENCES.has(t.type)) for (const c of namedChildren(t)) targetNames(c, out);
}

function paramNames(params: Syntax | undefined, out: Set<string>): void {
  for (const p of params ? namedChildren(params) : []) {
    let name: Syntax | undefined = p;
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') name = field(p, 'name');
    else if (p.type !== 'identifier') name = namedChildren(p)[0];
    if (name && name.type !== 'identifier') name = namedChildren(name)[0];
    if (name?.type === 'identifier') out.add(textOf(name));
  }
}

/** What a function binds (computed once per scope). */
export function bindings(scope: CodeScope): Bindings {
  scope.bindings ??= bindingsOf(scope.node);
  return scope.bindings;
}

/** What a `def` or `lambda` binds. */
export function bindingsOf(fn: Syntax): Bindings {
  const params = new Set<string>();
  paramNames(field(fn, 'parameters'), params);
  const bound = new Set(params);
  const globals = new Set<string>();
  const walk = (n: Syntax, inComprehension: boolean): void => {
    switch (n.type) {
      case 'function_definition': case 'class_definition': {
        const name = field(n, 'name');
        if (name && !inComprehension) bound.add(textOf(name));
        // Decorators, defaults and bases are evaluated here; the body is another scope.
        for (const c of n.children) if (c.named && c !== field(n, 'body')) walk(c, inComprehension);
        return;
      }
      case 'lambda':
        // Its parameters and body are its own scope.
        return;
      case 'named_expression': {
        const name = field(n, 'name');
        if (name) bound.add(textOf(name));
        break;
      }
      case 'global_statement':
        for (const c of namedChildren(n)) globals.add(textOf(c));
        return;
      case 'nonlocal_statement':
        for (const c of namedChildren(n)) bound.add(textOf(c));
        return;
      default:
        if (COMPREHENSIONS.has(n.type)) {
          for (const c of n.children) if (c.named) walk(c, true);
          return;
        }
        if (!inComprehension) bindTargets(n, bound);
    }
    for (const c of n.children) if (c.named) walk(c, inComprehension);
  };
  const body = field(fn, 'body');
  if (body) walk(body, false);
  return { params, bound, globals };
}

function bindTargets(n: Syntax, bound: Set<string>): void {
  switch (n.type) {
    case 'assignment': case 'augmented_assignment': case 'for_statement':
      for (const t of fieldAll(n, 'left')) targetNames(t, bound);
      return;
    case 'as_pattern_target': case 'delete_statement':
      for (const t of namedChildren(n)) targetNames(t, bound);
      return;
    case 'import_statement': case 'import_from_statement':
      for (const name of fieldAll(n, 'name')) {
        const alias = name.type === 'aliased_import' ? field(name, 'alias') : undefined;
        const parts = namedChildren(name);
        const bind = alias ?? (n.type === 'import_statement' ? parts[0] : parts.at(-1));
        if (bind) bound.add(textOf(bind));
      }
      return;
    default:
      return;
  }
}

/**
 * Where each name first occurs in a scope's own code (nested function and class bodies and
 * comprehensions, except their first iterable, are other scopes): `global x` after it is an error.
 */
export function firstUses(scope: Syntax): Map<string, number> {
  const uses = new Map<string, number>();
  const use = (id: Syntax): void => {
    const name = textOf(id);
    if (!uses.has(name)) uses.set(name, id.start);
  };
  const walk = (n: Syntax): void => {
    switch (n.type) {
      case 'identifier': use(n); return;
      case 'attribute': { const obj = field(n, 'object'); if (obj) walk(obj); return; }
      case 'keyword_argument': { const value = field(n, 'value'); if (value) walk(value); return; }
      case 'global_statement': case 'nonlocal_statement': return;
      case 'import_statement': case 'import_from_statement': {
        const names = new Set<string>();
        bindTargets(n, names);
        for (const name of names) if (!uses.has(name)) uses.set(name, n.start);
        return;
      }
      case 'function_definition': case 'class_definition':
        for (const c of n.children) if (c.named && c !== field(n, 'body')) walk(c);
        return;
      case 'lambda': {
        const params = field(n, 'parameters');
        if (params) walk(params);
        return;
      }
      case 'parameters': case 'lambda_parameters':
        // Only defaults and annotations are evaluated here.
        for (const p of namedChildren(n)) for (const c of [...fieldAll(p, 'value'), ...fieldAll(p, 'type')]) walk(c);
        return;
      default:
        if (COMPREHENSIONS.has(n.type)) {
          const first = namedChildren(n).find((c) => c.type === 'for_in_clause');
          const iterable = first ? field(first, 'right') : undefined;
          if (iterable) walk(iterable);
          return;
        }
        for (const c of n.children) if (c.named) walk(c);
    }
  };
  const body = scope.type === 'module' ? scope : field(scope, 'body');
  if (body) walk(body);
  return uses;
}

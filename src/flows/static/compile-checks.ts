/**
 * CPython's compile-time checks that tree-sitter's grammar does not make: `return`, `yield`,
 * `await`, `break` and `continue` where they cannot be, `try` without `except` or `finally`,
 * `nonlocal` without a binding, statements tree-sitter joined across a line break, and the
 * single-construct checks of compile-forms.ts and compile-statements.ts. Python compiles the
 * whole file before running any of it, so one such error anywhere (a task body included) means
 * no flow of the file is registered.
 *
 * Constructs whose compile-time rules the loader does not reproduce (`match`, Python 3.12 type
 * parameters, deeply nested blocks) refuse the file instead.
 */
import { checkArguments, checkConcatenation, checkDeleteTarget, checkNumber, checkParameters, checkString, checkTarget, debugName } from './compile-forms.js';
import type { CodeScope } from './compile-scopes.js';
import {
  checkAssignment, checkAugmented, checkFutureImports, checkGlobal, checkImport, checkLeadingComma, checkNonlocal, checkTry, fail, must,
  SyntaxFound, unsupported,
} from './compile-statements.js';
import type { Layout } from './layout.js';
import { field, fieldAll, namedChildren, textOf, type Syntax, type SyntaxProblem } from './syntax.js';

/**
 * Nesting of for/while/with/try this deep is refused: CPython 3.11 allows 20 "statically nested
 * blocks" per function, and one level costs it up to 2 (a named `except` handler), so 9 levels
 * always compile while 10 might not. Counting exactly is not worth it for flow files.
 */
const MAX_BLOCKS = 10;
const COMPREHENSIONS: Record<string, string> = {
  list_comprehension: 'list comprehension', set_comprehension: 'set comprehension', dictionary_comprehension: 'dict comprehension',
  generator_expression: 'generator expression',
};
/** Nodes that open with a bracket, where a comma cannot come first. */
const BRACKETED = new Set(['list', 'set', 'tuple', 'dictionary', 'argument_list', 'parameters']);
/** Where `*x` may appear as an expression. */
const STAR_PARENTS = new Set(['list', 'tuple', 'set', 'expression_list', 'argument_list', 'subscript', 'type']);
/** Where `x := y` may appear without parentheses. */
const WALRUS_PARENTS = new Set(['if_statement', 'elif_clause', 'while_statement', 'decorator', 'argument_list', 'list', 'set', 'tuple', 'parenthesized_expression',
  'list_comprehension', 'set_comprehension', 'generator_expression', 'subscript']);
/** tree-sitter binds `*` tighter than these: `*f()` is `(*f)()`, so the star sits at their left end. */
const LEFT_CHAINS = new Set(['call', 'attribute', 'subscript']);
/** Nodes that start a logical line (besides the statements of a block). */
const LINE_NODES = new Set(['elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause', 'case_clause', 'decorator']);
const BLOCKS = new Set(['module', 'block', 'skipped_block']);

/** The sets above as bits per node type: one lookup per node instead of six (every node is visited). */
const BLOCK = 1, STAR_OK = 2, CHAIN = 4, WALRUS_OK = 8, LINE = 16, BRACKET = 32;
const FLAGS = new Map<string, number>();
for (const [set, bit] of [[BLOCKS, BLOCK], [STAR_PARENTS, STAR_OK], [LEFT_CHAINS, CHAIN], [WALRUS_PARENTS, WALRUS_OK], [LINE_NODES, LINE], [BRACKETED, BRACKET]] as const) {
  for (const type of set) FLAGS.set(type, (FLAGS.get(type) ?? 0) | bit);
}

interface Ctx {
  scope: CodeScope;
  /** The code block `return`, `yield` and `await` are in ('none': module or class body). */
  fn: 'none' | 'sync' | 'async' | 'lambda';
  loop: boolean;
  /** The comprehension being inside of (after its first iterable), for `yield`. */
  comp: string | undefined;
  /** Inside a generator expression, where `await` and `async for` need no async function. */
  genexp: boolean;
  blocks: number;
  /** Shared by the whole walk. */
  file: { futures: ReadonlySet<Syntax>; starts: Set<number> };
}

const isAsync = (n: Syntax): boolean => n.children.some((c) => !c.named && c.type === 'async');

/** The first compile error of a module (task bodies included), or undefined. */
export function checkSyntax(module: Syntax, layout: Layout): SyntaxProblem | undefined {
  try {
    const file = { futures: checkFutureImports(module), starts: new Set<number>() };
    visitChildren(module, { scope: { kind: 'module', node: module, parent: undefined }, fn: 'none', loop: false, comp: undefined, genexp: false, blocks: 0, file });
    // Each logical line must start a statement: tree-sitter reads `a = b =` + newline + `f()`
    // as one statement, where Python's tokenizer ends the line and fails.
    for (const start of layout.starts) {
      if (file.starts.has(start)) continue;
      if (layout.openEnded.has(start)) fail(start, 'invalid syntax');
      // The line before could have ended a statement: tree-sitter read something Python reads otherwise.
      return { offset: start, code: 'E_UNSUPPORTED', message: 'a line that tree-sitter joins to the line before' };
    }
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxFound) return e.problem;
    throw e;
  }
}

/** A new code block: function, lambda or class body. */
function codeBlock(ctx: Ctx, kind: CodeScope['kind'], node: Syntax, fn: Ctx['fn']): Ctx {
  return { scope: { kind, node, parent: ctx.scope }, fn, loop: false, comp: undefined, genexp: false, blocks: 0, file: ctx.file };
}

/** `*x`, or `*f()` / `*a.b` / `*a[0]` as tree-sitter reads them. */
function starred(n: Syntax): boolean {
  if (n.type === 'list_splat') return true;
  const head = n.children[0];
  return head !== undefined && LEFT_CHAINS.has(n.type) && starred(head);
}

function visitChildren(n: Syntax, ctx: Ctx): void {
  const flags = FLAGS.get(n.type) ?? 0;
  for (const c of n.children) if (c.named) visitChild(n, flags, c, ctx);
}

/** Visits `c` after the checks that depend on its parent `n` (whose FLAGS are `flags`). */
function visitChild(n: Syntax, flags: number, c: Syntax, ctx: Ctx): void {
  if (flags & BLOCK && c.type !== 'comment') ctx.file.starts.add(c.start);
  // The left end of a call/attribute/subscript chain was checked with the whole chain.
  if (!(flags & STAR_OK) && !(flags & CHAIN && c === n.children[0]) && starred(c)) fail(c, "can't use starred expression here");
  if (c.type === 'named_expression' && !(flags & WALRUS_OK)) fail(c, 'invalid syntax');
  // Assignments are statements; only `a = b = c` chains them (tree-sitter also nests `a *= b = c`).
  if ((c.type === 'assignment' || c.type === 'augmented_assignment') && n.type !== 'expression_statement' && !(n.type === 'assignment' && c.type === 'assignment')) {
    fail(c, 'invalid syntax');
  }
  visit(c, ctx);
}

function child(n: Syntax, c: Syntax, ctx: Ctx): void {
  visitChild(n, FLAGS.get(n.type) ?? 0, c, ctx);
}

function visit(n: Syntax, ctx: Ctx): void {
  const flags = FLAGS.get(n.type) ?? 0;
  if (flags & LINE) ctx.file.starts.add(n.start);
  if (flags & BRACKET) checkLeadingComma(n);
  switch (n.type) {
    case 'function_definition': return visitFunction(n, ctx);
    case 'lambda': return visitLambda(n, ctx);
    case 'class_definition': return visitClass(n, ctx);
    case 'list_comprehension': case 'set_comprehension': case 'dictionary_comprehension': case 'generator_expression':
      return visitComprehension(n, ctx);
    case 'for_statement': case 'while_statement': return visitLoop(n, ctx);
    case 'with_statement': return visitWith(n, ctx);
    case 'try_statement':
      checkTry(n);
      visitChildren(n, nested(n, ctx, false));
      return;
    case 'identifier': {
      // Keywords since Python 3.7; tree-sitter still takes them as names.
      if (n.end - n.start === 5 && (textOf(n) === 'async' || textOf(n) === 'await')) fail(n, 'invalid syntax');
      return;
    }
    case 'integer': case 'float': return must(checkNumber(n));
    // `x as y` belongs to with items and except clauses (and match cases, refused) only.
    case 'as_pattern': return fail(n, 'invalid syntax');
    case 'with_item': case 'except_clause':
      for (const c of namedChildren(n)) {
        // `with (open(p) as f):` is a with item in parentheses.
        const inner = c.type === 'parenthesized_expression' && namedChildren(c).length === 1 ? (namedChildren(c)[0] as Syntax) : c;
        if (inner.type === 'as_pattern') visitChildren(inner, ctx);
        else child(n, c, ctx);
      }
      return;
    case 'decorated_definition':
      ctx.file.starts.add((field(n, 'definition') ?? n).start);
      break;
    default: checkNode(n, ctx);
  }
  visitChildren(n, ctx);
}

/** Checks of nodes that open no new context. */
function checkNode(n: Syntax, ctx: Ctx): void {
  switch (n.type) {
    case 'return_statement': if (ctx.fn === 'none') fail(n, "'return' outside function"); break;
    case 'yield':
      if (ctx.comp) fail(n, `'yield' inside ${ctx.comp}`);
      if (ctx.fn === 'none') fail(n, "'yield' outside function");
      if (ctx.fn === 'async' && n.children.some((c) => !c.named && c.type === 'from')) fail(n, "'yield from' inside async function");
      break;
    case 'await':
      if (ctx.fn !== 'async' && !ctx.genexp) fail(n, ctx.fn === 'none' ? "'await' outside function" : "'await' outside async function");
      break;
    case 'break_statement': if (!ctx.loop) fail(n, "'break' outside loop"); break;
    case 'continue_statement': if (!ctx.loop) fail(n, "'continue' not properly in loop"); break;
    case 'nonlocal_statement': checkNonlocal(n, ctx.scope); break;
    case 'global_statement': checkGlobal(n, ctx.scope); break;
    case 'import_statement': case 'import_from_statement': checkImport(n, ctx.scope); break;
    case 'future_import_statement':
      if (!ctx.file.futures.has(n)) fail(n, 'from __future__ imports must occur at the beginning of the file');
      break;
    case 'assignment': checkAssignment(n); break;
    case 'augmented_assignment': checkAugmented(n); break;
    case 'delete_statement': for (const t of namedChildren(n)) must(checkDeleteTarget(t)); break;
    case 'raise_statement': {
      const first = namedChildren(n)[0];
      if (first?.type === 'expression_list' || (first !== undefined && first === field(n, 'cause'))) fail(n, 'invalid syntax');
      break;
    }
    case 'assert_statement': if (namedChildren(n).length > 2) fail(n, 'invalid syntax'); break;
    case 'comparison_operator': if (n.children.some((c) => !c.named && c.type === '<>')) fail(n, 'invalid syntax'); break;
    case 'string': must(checkString(n)); break;
    case 'concatenated_string': must(checkConcatenation(n)); break;
    case 'argument_list': must(checkArguments(n)); break;
    case 'list_splat': if (namedChildren(n)[0]?.type === 'list_splat') fail(n, 'invalid syntax'); break;
    // `T: int` belongs to Python 3.12 type parameters (refused above); tree-sitter also reads `x: a: b` so.
    case 'constrained_type': fail(n, 'invalid syntax'); break;
    case 'print_statement':
      // `print >> f, x` is valid Python 3 (it fails when run); `print x` is not.
      if (namedChildren(n).some((c) => c.type === 'chevron')) unsupported(n, 'print >> ... (Python 2 syntax that Python 3 runs, and fails)');
      fail(n, "Missing parentheses in call to 'print'");
      break;
    case 'exec_statement': fail(n, "Missing parentheses in call to 'exec'"); break;
    // tree-sitter also reads `type(x).a = 1` as one.
    case 'type_alias_statement': unsupported(n, 'a type statement (Python 3.12 syntax; tree-sitter also reads `type(x).a = ...` as one)'); break;
    case 'match_statement': unsupported(n, 'a match statement (its compile-time checks are not reproduced, and a failing one fails the whole file)'); break;
    default: break;
  }
}

function visitFunction(n: Syntax, ctx: Ctx): void {
  must(debugName(field(n, 'name')));
  if (field(n, 'type_parameters')) unsupported(n, 'type parameters (Python 3.12 syntax)');
  const params = field(n, 'parameters');
  if (params) {
    must(checkParameters(params));
    checkLeadingComma(params);
    // Defaults and annotations belong to the enclosing block.
    visitChildren(params, ctx);
  }
  const returns = field(n, 'return_type');
  if (returns) child(n, returns, ctx);
  const body = field(n, 'body');
  if (body) child(n, body, codeBlock(ctx, 'function', n, isAsync(n) ? 'async' : 'sync'));
}

function visitLambda(n: Syntax, ctx: Ctx): void {
  const params = field(n, 'parameters');
  if (params) {
    must(checkParameters(params));
    visitChildren(params, ctx);
  }
  const body = field(n, 'body');
  if (body) child(n, body, codeBlock(ctx, 'function', n, 'lambda'));
}

function visitClass(n: Syntax, ctx: Ctx): void {
  must(debugName(field(n, 'name')));
  if (field(n, 'type_parameters')) unsupported(n, 'type parameters (Python 3.12 syntax)');
  const bases = field(n, 'superclasses');
  if (bases) child(n, bases, ctx);
  const body = field(n, 'body');
  if (body) child(n, body, codeBlock(ctx, 'class', n, 'none'));
}

function visitComprehension(n: Syntax, ctx: Ctx): void {
  const body = field(n, 'body');
  if (body?.type === 'list_splat') fail(body, 'iterable unpacking cannot be used in comprehension');
  if (body?.type === 'dictionary_splat') fail(body, 'dict unpacking cannot be used in dict comprehension');
  const genexp = ctx.genexp || n.type === 'generator_expression';
  const inner: Ctx = { ...ctx, comp: COMPREHENSIONS[n.type], genexp };
  let first = true;
  for (const c of namedChildren(n)) {
    if (c.type !== 'for_in_clause') {
      child(n, c, inner);
      continue;
    }
    if (isAsync(c) && !genexp && ctx.fn !== 'async') fail(c, 'asynchronous comprehension outside of an asynchronous function');
    const rights = fieldAll(c, 'right');
    // `f(x for x in a, b)` and `[x for x in a, b]`: tree-sitter takes the tuple as the iterable.
    if (rights.length > 1) fail(c, n.type === 'generator_expression' ? 'Generator expression must be parenthesized' : 'invalid syntax');
    const lefts = fieldAll(c, 'left');
    for (const left of lefts) {
      must(checkTarget(left, lefts.length === 1));
      child(c, left, inner);
    }
    // The first iterable is evaluated in the enclosing block.
    for (const right of rights) child(c, right, first ? ctx : inner);
    first = false;
  }
}

function nested(n: Syntax, ctx: Ctx, loop: boolean): Ctx {
  if (ctx.blocks + 1 >= MAX_BLOCKS) unsupported(n, `blocks nested ${ctx.blocks + 1} deep (CPython's limit on statically nested blocks is not reproduced)`);
  return { ...ctx, loop: loop || ctx.loop, blocks: ctx.blocks + 1 };
}

function visitLoop(n: Syntax, ctx: Ctx): void {
  if (n.type === 'for_statement') {
    if (isAsync(n) && ctx.fn !== 'async') fail(n, "'async for' outside async function");
    for (const left of fieldAll(n, 'left')) must(checkTarget(left));
  }
  const body = field(n, 'body');
  // The else clause runs after the loop: `break` there belongs to an enclosing loop.
  for (const c of namedChildren(n)) child(n, c, c === body ? nested(n, ctx, true) : ctx);
}

function visitWith(n: Syntax, ctx: Ctx): void {
  if (isAsync(n) && ctx.fn !== 'async') fail(n, "'async with' outside async function");
  const body = field(n, 'body');
  for (const c of namedChildren(n)) {
    if (c !== body) checkWithTargets(c);
    child(n, c, c === body ? nested(n, ctx, false) : ctx);
  }
}

function checkWithTargets(n: Syntax): void {
  if (n.type === 'as_pattern_target') {
    const target = namedChildren(n)[0];
    if (target) must(checkTarget(target));
    return;
  }
  for (const c of namedChildren(n)) checkWithTargets(c);
}

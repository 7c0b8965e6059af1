/**
 * Checks of single constructs that CPython's compiler rejects but tree-sitter's grammar accepts:
 * parameter and argument order, assignment targets, number literals, string prefixes and
 * escapes. Used by compile-checks.ts; each returns the first problem or undefined. Messages are
 * CPython 3.11's, shortened where CPython quotes codec internals.
 */
import { field, namedChildren, textOf, type Syntax, type SyntaxProblem } from './syntax.js';

const invalid = (node: Syntax, what = 'invalid syntax'): SyntaxProblem => ({ offset: node.start, message: `SyntaxError: ${what}` });

/** A parameter or target named `__debug__`, which Python never lets code bind. */
export function debugName(node: Syntax | undefined): SyntaxProblem | undefined {
  return node?.type === 'identifier' && textOf(node) === '__debug__' ? invalid(node, 'cannot assign to __debug__') : undefined;
}

function paramName(p: Syntax): Syntax | undefined {
  if (p.type === 'identifier') return p;
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return field(p, 'name');
  const inner = namedChildren(p)[0];
  if (p.type === 'typed_parameter') return inner && inner.type !== 'identifier' ? namedChildren(inner)[0] : inner;
  if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') return inner;
  return undefined;
}

/** `def` and `lambda` parameter lists: order, duplicates, `*` and `/` rules, parenthesized parameters. */
export function checkParameters(params: Syntax): SyntaxProblem | undefined {
  const names = new Set<string>();
  let sawDefault = false;
  let star: Syntax | undefined;
  let bareStar: Syntax | undefined;
  let slash = false;
  let kwargs = false;
  let any = false;
  for (const p of namedChildren(params)) {
    if (kwargs) return invalid(p, 'arguments cannot follow var-keyword argument');
    const splat = p.type === 'list_splat_pattern' || (p.type === 'typed_parameter' && namedChildren(p)[0]?.type === 'list_splat_pattern');
    const kwSplat = p.type === 'dictionary_splat_pattern' || (p.type === 'typed_parameter' && namedChildren(p)[0]?.type === 'dictionary_splat_pattern');
    if (p.type === 'positional_separator') {
      if (slash) return invalid(p, '/ may appear only once');
      if (star) return invalid(p, '/ must be ahead of *');
      if (!any) return invalid(p, 'at least one argument must precede /');
      slash = true;
      continue;
    }
    if (p.type === 'keyword_separator' || splat) {
      if (star) return invalid(p, '* argument may appear only once');
      star = p;
      if (p.type === 'keyword_separator') bareStar = p;
    } else if (kwSplat) {
      if (bareStar) return invalid(bareStar, 'named arguments must follow bare *');
      kwargs = true;
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      sawDefault = true;
      bareStar = undefined;
    } else if (p.type === 'identifier' || p.type === 'typed_parameter') {
      if (sawDefault && !star) return invalid(p, 'non-default argument follows default argument');
      bareStar = undefined;
    } else {
      return invalid(p, p.type === 'tuple_pattern' ? 'Function parameters cannot be parenthesized' : 'invalid syntax');
    }
    if (p.type === 'keyword_separator') continue;
    any = true;
    const name = paramName(p);
    if (!name) return invalid(p);
    const text = textOf(name);
    if (names.has(text)) return invalid(name, `duplicate argument '${text}' in function definition`);
    names.add(text);
    const debug = debugName(name);
    if (debug) return debug;
  }
  return bareStar ? invalid(bareStar, 'named arguments must follow bare *') : undefined;
}

/** Call (and class base) arguments: positional after keyword, unpacking order, repeated keywords. */
export function checkArguments(args: Syntax): SyntaxProblem | undefined {
  let keyword = false;
  let kwUnpack = false;
  const keywords = new Set<string>();
  const items = namedChildren(args);
  for (const a of items) {
    if (a.type === 'keyword_argument') {
      const name = field(a, 'name');
      if (!name) return invalid(a);
      const debug = debugName(name);
      if (debug) return debug;
      const text = textOf(name);
      if (keywords.has(text)) return invalid(a, `keyword argument repeated: ${text}`);
      keywords.add(text);
      keyword = true;
    } else if (a.type === 'dictionary_splat') {
      kwUnpack = true;
    } else if (a.type === 'list_splat') {
      if (kwUnpack) return invalid(a, 'iterable argument unpacking follows keyword argument unpacking');
    } else {
      if (kwUnpack) return invalid(a, 'positional argument follows keyword argument unpacking');
      if (keyword) return invalid(a, 'positional argument follows keyword argument');
      if (a.type === 'generator_expression' && items.length > 1 && args.file.text.charCodeAt(a.start) !== 0x28) {
        return invalid(a, 'Generator expression must be parenthesized');
      }
    }
  }
  return undefined;
}

const SEQUENCE_TARGETS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'expression_list']);

/**
 * An assignment, `for` or `with ... as` target. `top` is the whole target: a starred name there
 * (`*a = b`) is not allowed, only inside a tuple or list.
 */
export function checkTarget(t: Syntax, top = true): SyntaxProblem | undefined {
  switch (t.type) {
    case 'identifier':
      return debugName(t);
    case 'attribute':
      return debugName(field(t, 'attribute'));
    case 'subscript':
      return undefined;
    case 'list_splat_pattern': case 'list_splat':
      if (top) return invalid(t, 'starred assignment target must be in a list or tuple');
      return checkTarget(namedChildren(t)[0] ?? t, false);
    case 'parenthesized_expression': {
      const inner = namedChildren(t);
      return inner.length === 1 ? checkTarget(inner[0] as Syntax, top) : invalid(t);
    }
    default: {
      if (!SEQUENCE_TARGETS.has(t.type)) return invalid(t, `cannot assign to ${t.type.replace(/_/g, ' ')}`);
      let starred = 0;
      for (const c of namedChildren(t)) {
        if (c.type === 'list_splat_pattern' || c.type === 'list_splat') starred++;
        if (starred > 1) return invalid(c, 'multiple starred expressions in assignment');
        const problem = checkTarget(c, false);
        if (problem) return problem;
      }
      return undefined;
    }
  }
}

/** A `del` target. */
export function checkDeleteTarget(t: Syntax): SyntaxProblem | undefined {
  if (t.type === 'identifier' || t.type === 'attribute' || t.type === 'subscript') return undefined;
  if (t.type === 'list_splat' || t.type === 'list_splat_pattern') return invalid(t, 'cannot delete starred');
  if (t.type === 'parenthesized_expression' || SEQUENCE_TARGETS.has(t.type)) {
    for (const c of namedChildren(t)) {
      const problem = checkDeleteTarget(c);
      if (problem) return problem;
    }
    return undefined;
  }
  return invalid(t, `cannot delete ${t.type.replace(/_/g, ' ')}`);
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const INTEGER = /^(?:[1-9](?:_?\d)*|0(?:_?0)*|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+)$/;
const FLOATISH = new RegExp(String.raw`^(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.?)(?:[eE][+-]?${DIGITS})?[jJ]?$`);

/** Number literals: Python 3 has no `0777`, `1L`, `1_` or `1__0`. */
export function checkNumber(node: Syntax): SyntaxProblem | undefined {
  const text = textOf(node);
  if (INTEGER.test(text) || (FLOATISH.test(text) && /[.eEjJ]/.test(text))) return undefined;
  return invalid(node, /^0\d/.test(text) ? 'leading zeros in decimal integer literals are not permitted' : 'invalid number literal');
}

const PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);

/** The prefix letters of a string, or undefined if Python 3 has no such prefix. */
export function stringPrefix(node: Syntax): string | undefined {
  const start = node.children[0];
  const prefix = start?.type === 'string_start' ? textOf(start).replace(/['"]+$/, '').toLowerCase() : undefined;
  return prefix !== undefined && PREFIXES.has(prefix) ? prefix : undefined;
}

function hexRun(s: string, from: number, count: number): number | undefined {
  const hex = s.slice(from, from + count);
  return hex.length === count && /^[\da-fA-F]+$/.test(hex) ? parseInt(hex, 16) : undefined;
}

/** Escapes of one literal part of a non-raw string. */
function checkEscapes(part: Syntax, bytes: boolean): SyntaxProblem | undefined {
  const s = textOf(part);
  for (let i = s.indexOf('\\'); i >= 0; i = s.indexOf('\\', i + 2)) {
    const at = { offset: part.start + i };
    const c = s[i + 1];
    if (c === 'x' && hexRun(s, i + 2, 2) === undefined) {
      return { ...at, message: bytes ? 'SyntaxError: (value error) invalid \\x escape' : 'SyntaxError: (unicode error) truncated \\xXX escape' };
    }
    if (bytes) continue;
    if (c === 'u' || c === 'U') {
      const value = hexRun(s, i + 2, c === 'u' ? 4 : 8);
      if (value === undefined) return { ...at, message: `SyntaxError: (unicode error) truncated \\${c}${c === 'u' ? 'XXXX' : 'XXXXXXXX'} escape` };
      if (value > 0x10ffff) return { ...at, message: 'SyntaxError: (unicode error) illegal Unicode character' };
    } else if (c === 'N') {
      if (!/^\{[^{}\\]+\}/.test(s.slice(i + 2))) return { ...at, message: 'SyntaxError: (unicode error) malformed \\N character escape' };
      // JavaScript has no table of Unicode character names: a wrong name would fail Python's compile.
      return { ...at, code: 'E_UNSUPPORTED', message: 'a \\N{...} escape (the loader cannot check Unicode character names, and a wrong one fails the whole file)' };
    }
  }
  return undefined;
}

/** One string literal: its prefix, bytes content, escapes and f-string fields as Python 3.11 reads them. */
export function checkString(node: Syntax): SyntaxProblem | undefined {
  const prefix = stringPrefix(node);
  if (prefix === undefined) return invalid(node);
  const bytes = prefix.includes('b');
  const raw = prefix.includes('r');
  const quote = textOf(node.children[0] as Syntax).slice(prefix.length);
  for (const part of node.children) {
    if (part.type === 'string_content') {
      if (bytes && /[^\0-\x7f]/.test(textOf(part))) return invalid(part, 'bytes can only contain ASCII literal characters');
      if (!raw) {
        const problem = checkEscapes(part, bytes);
        if (problem) return problem;
      }
    } else if (part.type === 'interpolation') {
      const problem = checkInterpolation(part, quote);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** An f-string field, with the limits Python 3.11 has (3.12 lifted some of them). */
function checkInterpolation(part: Syntax, quote: string): SyntaxProblem | undefined {
  const conversion = field(part, 'type_conversion');
  if (conversion && !['!r', '!s', '!a'].includes(textOf(conversion))) return invalid(conversion, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
  const expr = field(part, 'expression');
  if (!expr) return undefined;
  const text = part.file.text.slice(part.start, expr.end);
  if (text.includes('\\')) return invalid(part, 'f-string expression part cannot include a backslash');
  if (quote.length === 1 && (text.includes(quote) || /[\r\n]/.test(text))) return invalid(part, "f-string: expecting '}'");
  if (expr.type === 'lambda') return invalid(part, 'f-string: invalid syntax');
  // Python reads `{a:=1}` as `a` with the format spec `=1`; tree-sitter reads a walrus.
  if (expr.type === 'named_expression') return { offset: part.start, code: 'E_UNSUPPORTED', message: 'an f-string field with `:=` (Python reads a format spec there)' };
  const spec = field(part, 'format_specifier');
  for (const inner of spec ? namedChildren(spec) : []) {
    const deeper = inner.type === 'format_expression' ? field(inner, 'format_specifier') : undefined;
    if (deeper && namedChildren(deeper).some((c) => c.type === 'format_expression')) return invalid(part, 'f-string: expressions nested too deeply');
  }
  if (expr.type === 'list_splat') return invalid(part, 'f-string: cannot use starred expression here');
  return undefined;
}

/** Implicit concatenation cannot mix bytes and str. */
export function checkConcatenation(node: Syntax): SyntaxProblem | undefined {
  const kinds = new Set(namedChildren(node).filter((s) => s.type === 'string').map((s) => (stringPrefix(s) ?? '').includes('b')));
  return kinds.size > 1 ? invalid(node, 'cannot mix bytes and nonbytes literals') : undefined;
}

/**
 * `str()` of run() annotations, as TaskSchema writes `inputs[...].type` and `outputs`, and
 * `_infer_run_nout` from the return annotation. Only forms whose text is the same on every
 * Python 3 that can import the file are rendered; the rest is refused.
 */
import { refuse } from '../refusal.js';
import { field, namedChildren, textOf, type Syntax } from '../syntax.js';
import type { Scope } from '../evaluator/scope.js';
import { decodeEscapes } from '../evaluator/strings.js';
import { strRepr } from '../py-repr.js';
import type { Value } from '../values.js';

/** The typing names rendered as `typing.Name[...]`. */
const TYPING_GENERICS = new Set(['List', 'Dict', 'Set', 'FrozenSet', 'Tuple', 'Iterable', 'Sequence', 'Mapping', 'Iterator', 'Type', 'Union']);
const BUILTIN_GENERICS = new Set(['list', 'dict', 'set', 'frozenset', 'tuple', 'type']);

/** Resolves a name/attribute in an annotation to its value (or undefined if not plain). */
export type Resolver = (node: Syntax, scope: Scope) => Value;

/** `str(annotation)` for a parameter or return annotation; `typing.Any` when absent. */
export function renderAnnotation(node: Syntax | undefined, scope: Scope, resolve: Resolver): string {
  if (node === undefined) return 'typing.Any';
  const expr = unwrapType(node);
  if (scope.module.futureAnnotations) return unparse(expr);
  if (expr.type === 'string') {
    const content = namedChildren(expr).filter((c) => c.type === 'string_content');
    const start = expr.children[0];
    if (start && /[fFbB]/.test(textOf(start)) ) refuse(expr, 'an f-string or bytes annotation');
    if (namedChildren(expr).some((c) => c.type === 'interpolation' || c.type === 'escape_sequence')) refuse(expr, 'a string annotation with escapes');
    return content.map(textOf).join('');
  }
  if (expr.type === 'none') return 'None';
  if (expr.type === 'generic_type' || expr.type === 'subscript') return genericStr(expr, scope, resolve);
  return classStr(resolve(expr, scope), expr) ?? refuse(expr, 'an annotation the loader cannot render exactly');
}

function unwrapType(node: Syntax): Syntax {
  return node.type === 'type' ? (namedChildren(node)[0] ?? node) : node;
}

/** `str(cls)` for a class, `str(typing.X)` for typing objects. */
function classStr(v: Value, node: Syntax): string | undefined {
  if (v.kind === 'builtin' && v.pyType) return `<class '${v.pyType}'>`;
  if (v.kind === 'class') return `<class '${v.module}.${v.qualname}'>`;
  if (v.kind === 'native' && v.type === 'typing') {
    const name = v.data as string;
    if (name === 'Any') return 'typing.Any';
    if (TYPING_GENERICS.has(name)) return `typing.${name}`;
    return refuse(node, `the annotation typing.${name}`);
  }
  return undefined;
}

/** Subscripted generics: `typing.List[int]`, `list[int]`. */
function genericStr(node: Syntax, scope: Scope, resolve: Resolver): string {
  if (node.type !== 'generic_type' && node.type !== 'subscript') return refuse(node, 'an annotation the loader cannot render exactly');
  const base = node.type === 'subscript' ? field(node, 'value') : namedChildren(node)[0];
  if (!base) return refuse(node, 'an annotation the loader cannot render exactly');
  const baseV = resolve(base, scope);
  const args = subscriptArgs(node);
  let prefix: string;
  if (baseV.kind === 'native' && baseV.type === 'typing' && TYPING_GENERICS.has(baseV.data as string)) prefix = `typing.${baseV.data as string}`;
  else if (baseV.kind === 'builtin' && baseV.pyType && BUILTIN_GENERICS.has(baseV.pyType)) prefix = baseV.pyType;
  else return refuse(node, 'an annotation the loader cannot render exactly');
  if (prefix === 'typing.Union' && args.some((a) => a.type === 'none')) refuse(node, 'Optional/Union with None (rendered differently by Python versions)');
  const parts = args.map((a) => typeRepr(a, scope, resolve));
  return `${prefix}[${parts.join(', ')}]`;
}

function subscriptArgs(node: Syntax): Syntax[] {
  if (node.type === 'subscript') {
    const subs = node.fields?.get('subscript') ?? [];
    if (subs.length === 1 && subs[0]?.type === 'tuple') return namedChildren(subs[0]);
    return subs;
  }
  const typeParams = namedChildren(node)[1];
  return typeParams ? namedChildren(typeParams).map(unwrapType) : [];
}

/** `typing._type_repr`: builtins by bare name, other classes qualified, `...` and NoneType. */
function typeRepr(node: Syntax, scope: Scope, resolve: Resolver): string {
  const expr = unwrapType(node);
  if (expr.type === 'ellipsis') return '...';
  if (expr.type === 'none') return 'NoneType';
  if (expr.type === 'tuple' && namedChildren(expr).length === 0) return '()';
  if (expr.type === 'generic_type' || expr.type === 'subscript') return genericStr(expr, scope, resolve);
  const v = resolve(expr, scope);
  if (v.kind === 'builtin' && v.pyType) return v.pyType;
  if (v.kind === 'class') return `${v.module}.${v.qualname}`;
  const s = classStr(v, expr);
  if (s !== undefined) return s;
  return genericStr(expr, scope, resolve);
}

/** `_infer_run_nout`: the length of a fixed `Tuple[...]`/`tuple[...]` return annotation. */
export function inferNout(node: Syntax | undefined, scope: Scope, resolve: Resolver): number | null {
  if (node === undefined || scope.module.futureAnnotations) return null;
  const expr = unwrapType(node);
  if (expr.type !== 'subscript' && expr.type !== 'generic_type') return null;
  const base = expr.type === 'subscript' ? field(expr, 'value') : namedChildren(expr)[0];
  if (!base) return null;
  const baseV = resolve(base, scope);
  const isTuple = (baseV.kind === 'native' && baseV.type === 'typing' && baseV.data === 'Tuple') || (baseV.kind === 'builtin' && baseV.pyType === 'tuple');
  if (!isTuple) return null;
  const args = subscriptArgs(expr);
  if (args.length === 1 && args[0]?.type === 'tuple' && namedChildren(args[0]).length === 0) return 0;
  if (args.length === 2 && args[1]?.type === 'ellipsis') return null;
  return args.length;
}

/** What `from __future__ import annotations` stores: the expression unparsed by CPython. */
function unparse(node: Syntax): string {
  switch (node.type) {
    case 'identifier': return textOf(node);
    case 'none': return 'None';
    case 'true': return 'True';
    case 'false': return 'False';
    case 'ellipsis': return '...';
    case 'integer': return textOf(node);
    case 'attribute': return `${unparse(field(node, 'object') as Syntax)}.${textOf(field(node, 'attribute') as Syntax)}`;
    case 'type': return unparse(unwrapType(node));
    case 'subscript': {
      const subs = node.fields?.get('subscript') ?? [];
      const inner = subs.length === 1 && subs[0]?.type === 'tuple' ? namedChildren(subs[0]).map(unparse).join(', ') : subs.map(unparse).join(', ');
      return `${unparse(field(node, 'value') as Syntax)}[${inner}]`;
    }
    case 'generic_type': {
      const [base, params] = namedChildren(node);
      if (!base || !params) return refuse(node, 'an annotation the loader cannot render exactly');
      return `${unparse(base)}[${namedChildren(params).map(unparse).join(', ')}]`;
    }
    case 'list': return `[${namedChildren(node).map(unparse).join(', ')}]`;
    case 'string': {
      // CPython unparses a string constant with repr().
      const start = node.children[0];
      if (!start || /[fFbB]/.test(textOf(start)) || namedChildren(node).some((c) => c.type === 'interpolation')) break;
      const raw = /[rR]/.test(textOf(start));
      const text = namedChildren(node).filter((c) => c.type === 'string_content').map((c) => (raw ? textOf(c) : decodeEscapes(textOf(c), c))).join('');
      const r = strRepr(text);
      if (r !== undefined) return r;
      break;
    }
    default:
      break;
  }
  return refuse(node, 'an annotation (with `from __future__ import annotations`) the loader cannot render exactly');
}

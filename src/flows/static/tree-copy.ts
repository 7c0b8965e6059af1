/**
 * Copies a tree-sitter tree into the loader's own syntax tree (see syntax.ts) with one cursor
 * walk, asking wasm as little as possible per node.
 */
import type { Language } from 'web-tree-sitter';
import type { FlowLoadError } from '../types.js';
import { fileError } from './refusal.js';
import { positionAt, type SourceFile, type Syntax } from './syntax.js';
import type { CursorLike } from './wasm-cursor.js';

/** Deeper syntax than this is refused: CPython's own parser gives up around 200 levels. */
export const MAX_SYNTAX_DEPTH = 200;

export const PARSE_HINT = 'fix the syntax error; Python cannot import this file either';
/** Tokens that only delimit; everything else anonymous (operators, keywords) is kept. */
const PUNCTUATION = new Set(['(', ')', ',', ':', '[', ']', '{', '}', '.', '=', ';', '->', '\\']);
/** A backslash line continuation: whitespace to Python, but a named node wherever it occurs. */
const LINE_CONTINUATION = 'line_continuation';
/**
 * Nodes whose text is not covered by their visible children: the grammar's hidden tokens (plain
 * string text around escape sequences, the literal part of a format spec) sit at their edges, so
 * their offsets are asked from the tree instead of taken from the first and last child.
 */
const OWN_SPAN = new Set(['string_content', 'format_specifier']);

/**
 * A node being copied. It becomes the Syntax node itself once closed (one object per node: the
 * copy allocates a lot, and the walk bookkeeping costs less than a second object would).
 */
interface Frame {
  type: string;
  named: boolean;
  start: number;
  end: number;
  children: Syntax[];
  fields: Map<string, Syntax[]> | undefined;
  file: SourceFile;
  fieldName: string | null;
  skip: boolean;
  /** Offsets taken from the tree, not from the children (a task body: as before it had children). */
  fixed: boolean;
  /** A token: no children to look for. */
  leaf: boolean;
}

/** End of an identifier: scanned for ASCII names, asked from the tree otherwise. */
function identifierEnd(text: string, start: number, cursor: CursorLike): number {
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const word = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
    if (!word) break;
  }
  // A non-ASCII character right after may still belong to the name: let tree-sitter say.
  if (i === start || (i < text.length && text.charCodeAt(i) > 0x7f)) return cursor.endIndex;
  return i;
}

/** Per-language tables, so most nodes cost one or two wasm calls besides moving the cursor. */
interface Tables {
  types: string[];
  named: boolean[];
  fields: (string | null)[];
  /** Parent types whose children may carry a field name; undefined = ask for every node. */
  withFields: ReadonlySet<string> | undefined;
  /** Types that never have children, by type id (all false for an unknown grammar). */
  leaf: boolean[];
}

/**
 * Node types of tree-sitter-python 0.25 that have fields (from its node-types.json). Children of
 * other types never carry a field, so the converter skips that wasm call for them. Used only
 * when the loaded grammar has exactly the field names this list was made from.
 */
const TYPES_WITH_FIELDS = ['aliased_import', 'as_pattern', 'assignment', 'attribute', 'augmented_assignment', 'binary_operator',
  'block', 'boolean_operator', 'call', 'case_clause', 'class_definition', 'comparison_operator', 'decorated_definition',
  'default_parameter', 'dict_pattern', 'dictionary_comprehension', 'elif_clause', 'else_clause', 'except_clause', 'exec_statement',
  'for_in_clause', 'for_statement', 'format_expression', 'function_definition', 'future_import_statement', 'generator_expression',
  'if_statement', 'import_from_statement', 'import_statement', 'interpolation', 'keyword_argument', 'lambda', 'list_comprehension',
  'match_statement', 'named_expression', 'not_operator', 'pair', 'print_statement', 'raise_statement', 'set_comprehension',
  'subscript', 'try_statement', 'type_alias_statement', 'typed_default_parameter', 'typed_parameter', 'unary_operator',
  'while_statement', 'with_item', 'with_statement'];
const FIELD_NAMES = 'alias alternative argument arguments attribute body cause code condition consequence definition expression format_specifier function guard key left module_name name object operator operators parameters return_type right subject subscript superclasses type type_conversion type_parameters value';

/** Named node types that are tokens of tree-sitter-python 0.25 (never with children). */
const NAMED_TOKENS = new Set(['identifier', 'integer', 'float', 'string_start', 'string_end', 'escape_sequence', 'escape_interpolation', 'comment',
  'true', 'false', 'none', 'ellipsis', 'type_conversion', 'line_continuation']);

/**
 * What the converter needs of the grammar, as plain data: a parse worker sends it once, so the
 * main thread can copy the worker's trees without loading the grammar itself.
 */
export interface GrammarInfo {
  /** Node type names by type id ('' for ids without one). */
  types: string[];
  /** Whether each type id is a named node. */
  named: boolean[];
  /** Field names by field id (null for id 0). */
  fields: (string | null)[];
}

/** The grammar as plain data (see GrammarInfo). */
export function grammarInfoOf(language: Language): GrammarInfo {
  const types = language.types.map((t) => t ?? '');
  return { types, named: types.map((_t, id) => language.nodeTypeIsNamed(id)), fields: [...language.fields] };
}

const tables = new WeakMap<GrammarInfo, Tables>();

function tablesOf(grammar: GrammarInfo): Tables {
  let found = tables.get(grammar);
  if (!found) {
    const { types, named, fields } = grammar;
    const known = fields.filter((f): f is string => typeof f === 'string').sort().join(' ') === FIELD_NAMES;
    found = {
      types,
      named,
      fields,
      withFields: known ? new Set(TYPES_WITH_FIELDS) : undefined,
      // Anonymous nodes are tokens, except the two-word operators; named tokens are listed.
      leaf: types.map((t, id) => known && (named[id] ? NAMED_TOKENS.has(t) : t !== 'not in' && t !== 'is not')),
    };
    tables.set(grammar, found);
  }
  return found;
}

/** `@task` / `@task(...)` / `@prefect.task...`: bodies of such functions never run while registering. */
const TASK_DECORATOR = /^@\s*(?:prefect\s*\.\s*)?task\b/;

/** The copy, and the task bodies in it (see copyTree). */
export interface Copied {
  node: Syntax;
  skipped: Syntax[];
}

/**
 * Copies the tree with a cursor (no recursion, so deep trees cannot overflow the stack). Only
 * leaves ask wasm for their offsets (a parent spans its first to its last child). Bodies of
 * `@task` functions and of `run` methods become a `skipped_block`: registration never runs them
 * (running one anyway is refused). They are copied whole, because Python still compiles them
 * (compile-checks.ts), and listed so the parser can drop their content once checked.
 */
export function copyTree(cursor: CursorLike, file: SourceFile, grammar: GrammarInfo): Copied | { error: FlowLoadError } {
  const { types, named, fields, withFields, leaf } = tablesOf(grammar);
  try {
    const stack: Frame[] = [];
    const skipped: Syntax[] = [];
    let result: Syntax | undefined;
    const open = (): Frame => {
      const typeId = cursor.nodeTypeId;
      const type = types[typeId] ?? '';
      const isNamed = named[typeId] ?? false;
      const parent = stack[stack.length - 1];
      // With the known grammar, only for_in_clause gives a punctuation token a field (`right: ,`).
      const noField = parent && withFields && (!withFields.has(parent.type) || (!isNamed && PUNCTUATION.has(type) && parent.type !== 'for_in_clause'));
      const fieldName = noField ? null : (fields[cursor.currentFieldId] ?? null);
      const frame: Frame = {
        type, named: isNamed, start: -1, end: -1, children: [], fields: undefined, file, fieldName,
        skip: (!isNamed && fieldName === null && PUNCTUATION.has(type)) || type === LINE_CONTINUATION, fixed: false, leaf: leaf[typeId] ?? false,
      };
      if (OWN_SPAN.has(type)) fixFrame(frame);
      return frame;
    };
    const fixFrame = (frame: Frame): void => {
      frame.start = cursor.startIndex;
      frame.end = cursor.endIndex;
      frame.fixed = true;
    };
    const close = (frame: Frame): void => {
      const parent = stack[stack.length - 1];
      if (parent && !parent.fixed) {
        if (parent.start < 0) parent.start = frame.start;
        parent.end = frame.end;
      }
      if (frame.skip) return;
      const node: Syntax = frame;
      if (frame.type === 'skipped_block') skipped.push(node);
      if (!parent) {
        result = node;
        return;
      }
      parent.children.push(node);
      if (frame.fieldName !== null) {
        parent.fields ??= new Map();
        const list = parent.fields.get(frame.fieldName);
        if (list) list.push(node);
        else parent.fields.set(frame.fieldName, [node]);
      }
    };
    const fail = (frame: Frame, code: 'E_PARSE' | 'E_UNSUPPORTED', message: string, hint: string): { error: FlowLoadError } => {
      const start = frame.start >= 0 ? frame.start : cursor.startIndex;
      const { line, column } = positionAt(file, start);
      return { error: fileError(code, file.path, line, column, message, hint, file.text.slice(start, Math.max(start, cursor.endIndex)).split('\n', 1)[0]) };
    };
    const isTaskBody = (frame: Frame): boolean => {
      if (frame.type !== 'block' || frame.fieldName !== 'body') return false;
      const def = stack[stack.length - 2];
      if (def?.type !== 'function_definition') return false;
      let outer = stack[stack.length - 3];
      const decorated = outer?.type === 'decorated_definition' ? outer : undefined;
      if (decorated?.children.some((c) => c.type === 'decorator' && TASK_DECORATOR.test(file.text.slice(c.start, c.end)))) return true;
      // `run` of a class: Prefect only inspects its signature while registering.
      if (decorated) outer = stack[stack.length - 4];
      const inClass = outer?.type === 'block' && stack[stack.indexOf(outer) - 1]?.type === 'class_definition';
      const name = def.fields?.get('name')?.[0];
      return inClass && name !== undefined && file.text.slice(name.start, name.end) === 'run';
    };
    stack.push(open());
    for (;;) {
      const top = stack[stack.length - 1] as Frame;
      if (stack.length > MAX_SYNTAX_DEPTH) {
        return fail(top, 'E_UNSUPPORTED', `expressions nested deeper than ${MAX_SYNTAX_DEPTH} levels`, 'register this file with `--loader python`');
      }
      if (isTaskBody(top)) {
        top.type = 'skipped_block';
        fixFrame(top);
      }
      if (!top.leaf && cursor.gotoFirstChild()) {
        stack.push(open());
        continue;
      }
      // A leaf: only now are its offsets needed. Anonymous tokens (named after their own text)
      // matter only as a parent's first child (its start) or last (its end).
      const parentFrame = stack[stack.length - 2];
      if (!top.fixed) {
        if (top.named || !parentFrame || parentFrame.start < 0) top.start = cursor.startIndex;
        if (top.named) top.end = top.type === 'identifier' ? identifierEnd(file.text, top.start, cursor) : cursor.endIndex;
      }
      // Close frames until a sibling exists.
      for (;;) {
        const frame = stack.pop() as Frame;
        if (cursor.gotoNextSibling()) {
          close(frame);
          stack.push(open());
          break;
        }
        // No sibling: the cursor is still on this node.
        if (frame.end < 0) frame.end = cursor.endIndex;
        close(frame);
        if (!cursor.gotoParent()) return result ? { node: result, skipped } : { error: fileError('E_PARSE', file.path, 0, 0, 'empty tree', PARSE_HINT) };
      }
    }
  } finally {
    cursor.delete();
  }
}


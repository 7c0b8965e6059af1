/**
 * tree-sitter-python, loaded once per process, turned into the loader's own syntax tree.
 * The wasm tree is deleted right after conversion; nothing else keeps wasm memory.
 */
import { readFile } from 'node:fs/promises';
import { Language, Parser, type Node as TsNode, type Tree, type TreeCursor } from 'web-tree-sitter';
import { fileError } from './refusal.js';
import { positionAt, type SourceFile, type Syntax } from './syntax.js';
import type { FlowLoadError } from '../types.js';

/** Deeper syntax than this is refused: CPython's own parser gives up around 200 levels. */
export const MAX_SYNTAX_DEPTH = 200;
/** Larger files are refused: a flow file this size is not hand-written. */
export const MAX_SOURCE_CHARS = 1024 * 1024;

const PARSE_HINT = 'fix the syntax error; Python cannot import this file either';
/** Tokens that only delimit; everything else anonymous (operators, keywords) is kept. */
const PUNCTUATION = new Set(['(', ')', ',', ':', '[', ']', '{', '}', '.', '=', ';', '->', '\\']);
/** Python 2 statements the grammar accepts but Python 3 rejects. */
const PYTHON2_ONLY = new Set(['print_statement', 'exec_statement']);

let parserPromise: Promise<Parser> | undefined;

/** The shared parser; the grammar is loaded on first use only. */
function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const wasm = await readFile(new URL('../../../grammars/tree-sitter-python.wasm', import.meta.url));
    const language = await Language.load(new Uint8Array(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/** A parsed module, or the error Python (or the size guard) gives for the file. */
export type ParseResult = { ok: true; module: Syntax; file: SourceFile } | { ok: false; error: FlowLoadError };

/** Parses decoded source text. Never throws for bad input. */
export async function parsePython(path: string, text: string): Promise<ParseResult> {
  if (text.length > MAX_SOURCE_CHARS) {
    return {
      ok: false,
      error: fileError('E_UNSUPPORTED', path, 0, 0, `the file has ${text.length} characters; the static loader reads files up to ${MAX_SOURCE_CHARS}`,
        'register this file with `--loader python`'),
    };
  }
  const parser = await getParser();
  let tree: Tree | null = null;
  try {
    parser.reset();
    tree = parser.parse(text);
    if (tree === null) return { ok: false, error: fileError('E_PARSE', path, 0, 0, 'the parser gave no tree', PARSE_HINT) };
    const file: SourceFile = { path, text };
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, error: syntaxError(file, root) };
    const converted = convert(root, file, parser.language as Language);
    if ('error' in converted) return { ok: false, error: converted.error };
    return { ok: true, module: converted.node, file };
  } finally {
    tree?.delete();
  }
}

function syntaxError(file: SourceFile, root: TsNode): FlowLoadError {
  // Walk down the first branch that holds an error to its ERROR or MISSING node.
  let node: TsNode = root;
  for (;;) {
    if (node.isError || node.isMissing) break;
    const next = node.children.find((c) => c !== null && (c.hasError || c.isMissing || c.isError));
    if (!next) break;
    node = next;
  }
  const what = node.isMissing ? `missing "${node.type}"` : 'invalid syntax';
  const line = node.startPosition.row + 1;
  const column = columnOf(file.text, node.startIndex, node.startPosition.column);
  const excerpt = file.text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 60)).split('\n', 1)[0];
  return fileError('E_PARSE', file.path, line, column, `SyntaxError: ${what}`, PARSE_HINT, excerpt);
}

function columnOf(text: string, index: number, col: number): number {
  const prefix = text.slice(Math.max(0, index - col), index);
  return [...prefix].length + 1;
}

interface Frame {
  type: string;
  named: boolean;
  start: number;
  end: number;
  children: Syntax[];
  fields: Map<string, Syntax[]> | undefined;
  fieldName: string | null;
  skip: boolean;
}

/** End of an identifier: scanned for ASCII names, asked from the tree otherwise. */
function identifierEnd(text: string, start: number, cursor: TreeCursor): number {
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

let tables: Tables | undefined;

function tablesOf(language: Language): Tables {
  if (!tables) {
    const types = language.types.map((t) => t ?? '');
    const fieldNames = language.fields.filter((f): f is string => typeof f === 'string').sort().join(' ');
    tables = {
      types,
      named: types.map((_t, id) => language.nodeTypeIsNamed(id)),
      fields: language.fields,
      withFields: fieldNames === FIELD_NAMES ? new Set(TYPES_WITH_FIELDS) : undefined,
    };
  }
  return tables;
}

/** `@task` / `@task(...)` / `@prefect.task...`: bodies of such functions never run while registering. */
const TASK_DECORATOR = /^@\s*(?:prefect\s*\.\s*)?task\b/;

/**
 * Copies the tree with a cursor (no recursion, so deep trees cannot overflow the stack). Only
 * leaves ask wasm for their offsets (a parent spans its first to its last child), and bodies of
 * `@task` functions and of `run` methods are kept as an opaque `skipped_block`: registration
 * never runs them (running one anyway is refused).
 */
function convert(root: TsNode, file: SourceFile, language: Language): { node: Syntax } | { error: FlowLoadError } {
  const { types, named, fields, withFields } = tablesOf(language);
  const cursor = root.walk();
  try {
    const stack: Frame[] = [];
    let result: Syntax | undefined;
    const open = (): Frame => {
      const typeId = cursor.nodeTypeId;
      const type = types[typeId] ?? '';
      const isNamed = named[typeId] ?? false;
      const parent = stack[stack.length - 1];
      const fieldName = parent && withFields && !withFields.has(parent.type) ? null : (fields[cursor.currentFieldId] ?? null);
      return { type, named: isNamed, start: -1, end: -1, children: [], fields: undefined, fieldName, skip: !isNamed && fieldName === null && PUNCTUATION.has(type) };
    };
    const close = (frame: Frame): void => {
      const parent = stack[stack.length - 1];
      if (parent) {
        if (parent.start < 0) parent.start = frame.start;
        parent.end = frame.end;
      }
      if (frame.skip) return;
      const node: Syntax = { type: frame.type, named: frame.named, start: frame.start, end: frame.end, children: frame.children, fields: frame.fields, file };
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
      if (PYTHON2_ONLY.has(top.type)) return fail(top, 'E_PARSE', 'SyntaxError: Python 2 statement', PARSE_HINT);
      if (stack.length > MAX_SYNTAX_DEPTH) {
        return fail(top, 'E_UNSUPPORTED', `expressions nested deeper than ${MAX_SYNTAX_DEPTH} levels`, 'register this file with `--loader python`');
      }
      const skipBody = isTaskBody(top);
      if (skipBody) top.type = 'skipped_block';
      if (!skipBody && cursor.gotoFirstChild()) {
        stack.push(open());
        continue;
      }
      // A leaf (or a skipped body): only now are its offsets needed. Anonymous tokens (named after
      // their own text) matter only as a parent's first child (its start) or last (its end).
      const parentFrame = stack[stack.length - 2];
      if (top.named || !parentFrame || parentFrame.start < 0) top.start = cursor.startIndex;
      if (top.named) top.end = top.type === 'identifier' ? identifierEnd(file.text, top.start, cursor) : cursor.endIndex;
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
        if (!cursor.gotoParent()) return result ? { node: result } : { error: fileError('E_PARSE', file.path, 0, 0, 'empty tree', PARSE_HINT) };
      }
    }
  } finally {
    cursor.delete();
  }
}


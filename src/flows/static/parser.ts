/**
 * tree-sitter-python, loaded once per process, turned into the loader's own syntax tree.
 * The wasm tree is deleted right after conversion; nothing else keeps wasm memory.
 */
import { readFile } from 'node:fs/promises';
import { Language, Parser, type Node as TsNode, type Tree } from 'web-tree-sitter';
import { checkSyntax } from './compile-checks.js';
import { checkLayout } from './layout.js';
import { fileError } from './refusal.js';
import { positionAt, type SourceFile, type Syntax } from './syntax.js';
import { copyTree, PARSE_HINT } from './tree-copy.js';
import type { FlowLoadError } from '../types.js';
import { checkedWasmApi, walkCursor, wasmApiOf, type WasmApi } from './wasm-cursor.js';

export { MAX_SYNTAX_DEPTH } from './tree-copy.js';
/** Larger files are refused: a flow file this size is not hand-written. */
export const MAX_SOURCE_CHARS = 1024 * 1024;

interface Loaded {
  parser: Parser;
  /** Direct access to the wasm cursor functions, when web-tree-sitter's internals are as expected. */
  wasm: { api: WasmApi; buffer: number } | undefined;
}

let loaded: Promise<Loaded> | undefined;

/** The shared parser; the grammar is loaded on first use only. */
function getParser(): Promise<Loaded> {
  loaded ??= (async () => {
    // Parser.init fills this object in as the emscripten module (see wasm-cursor.ts).
    const moduleObject = {};
    await Parser.init(moduleObject);
    const wasm = await readFile(new URL('../../../grammars/tree-sitter-python.wasm', import.meta.url));
    const language = await Language.load(new Uint8Array(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return { parser, wasm: checkedWasmApi(wasmApiOf(moduleObject), parser) };
  })();
  return loaded;
}

/** A parsed module, or the error Python (or the size guard) gives for the file. */
export type ParseResult = { ok: true; module: Syntax; file: SourceFile } | { ok: false; error: FlowLoadError };

/**
 * Parses decoded source text. Never throws for bad input. `publicCursor` walks the tree with
 * web-tree-sitter's own TreeCursor, the fallback of wasm-cursor.ts (for tests).
 */
export async function parsePython(path: string, text: string, options: { publicCursor?: boolean } = {}): Promise<ParseResult> {
  if (text.length > MAX_SOURCE_CHARS) {
    return {
      ok: false,
      error: fileError('E_UNSUPPORTED', path, 0, 0, `the file has ${text.length} characters; the static loader reads files up to ${MAX_SOURCE_CHARS}`,
        'register this file with `--loader python`'),
    };
  }
  const { parser, wasm } = await getParser();
  let tree: Tree | null = null;
  try {
    parser.reset();
    tree = parser.parse(text);
    if (tree === null) return { ok: false, error: fileError('E_PARSE', path, 0, 0, 'the parser gave no tree', PARSE_HINT) };
    const file: SourceFile = { path, text };
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, error: syntaxError(file, root) };
    const converted = copyTree(walkCursor(options.publicCursor === true ? undefined : wasm, root.walk()), file, parser.language as Language);
    if ('error' in converted) return { ok: false, error: converted.error };
    // What tree-sitter accepts but CPython rejects when it compiles the file.
    const layout = checkLayout(text);
    const problem = 'problem' in layout ? layout.problem : checkSyntax(converted.node, layout);
    if (problem) {
      const { line, column } = positionAt(file, problem.offset);
      const excerpt = text.slice(problem.offset, problem.offset + 60).split(/\r?\n|\r/, 1)[0];
      const error = problem.code === 'E_UNSUPPORTED'
        ? fileError('E_UNSUPPORTED', path, line, column, `cannot load statically: ${problem.message}`, 'register this file with `--loader python`', excerpt)
        : fileError('E_PARSE', path, line, column, problem.message, PARSE_HINT, excerpt);
      return { ok: false, error };
    }
    // Registration never runs task bodies: the evaluator keeps seeing them as opaque.
    for (const body of converted.skipped) Object.assign(body, { children: [], fields: undefined });
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

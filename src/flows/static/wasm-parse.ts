/**
 * tree-sitter-python, loaded once per thread (the main thread, or a parse worker), and the one
 * thing done with it: parse text and hand the live tree to a synchronous callback, or return the
 * syntax error tree-sitter found. The wasm tree is deleted as soon as the callback returns.
 */
import { readFile } from 'node:fs/promises';
import { Language, Parser, type Node as TsNode, type Tree } from 'web-tree-sitter';
import { parseCostProblem } from './parse-guards.js';
import { fileError } from './refusal.js';
import { grammarInfoOf, PARSE_HINT, type GrammarInfo } from './tree-copy.js';
import type { FlowLoadError } from '../types.js';
import { checkedWasmApi, walkCursor, wasmApiOf, type CursorLike, type WasmApi } from './wasm-cursor.js';

interface Loaded {
  parser: Parser;
  /** Direct access to the wasm cursor functions, when web-tree-sitter's internals are as expected. */
  wasm: { api: WasmApi; buffer: number } | undefined;
  grammar: GrammarInfo;
}

let loaded: Promise<Loaded> | undefined;

/** The thread's parser; the grammar is loaded on first use only. */
function getParser(): Promise<Loaded> {
  loaded ??= (async () => {
    // Parser.init fills this object in as the emscripten module (see wasm-cursor.ts).
    const moduleObject = {};
    await Parser.init(moduleObject);
    const wasm = await readFile(new URL('../../../grammars/tree-sitter-python.wasm', import.meta.url));
    const language = await Language.load(new Uint8Array(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return { parser, wasm: checkedWasmApi(wasmApiOf(moduleObject), parser), grammar: grammarInfoOf(language) };
  })();
  return loaded;
}

/**
 * Starts loading the grammar now (compiling wasm runs off the main thread), so the first parse
 * does not wait for it. A failure is not reported here: the first parse reports it.
 */
export function warmUpParser(): void {
  getParser().catch(() => undefined);
}

/** The grammar as plain data (for trees copied on another thread). */
export async function parserGrammar(): Promise<GrammarInfo> {
  return (await getParser()).grammar;
}

/** What `withTree` gives: the callback's value, or the error Python (or the size guard) gives for the file. */
export type TreeResult<T> = { ok: true; value: T } | { ok: false; error: FlowLoadError };

/**
 * Parses `text` and calls `use` with a cursor at the root while the tree lives. Never throws
 * for bad input. `publicCursor` walks with web-tree-sitter's own TreeCursor, the fallback of
 * wasm-cursor.ts (for tests).
 */
export async function withTree<T>(
  path: string,
  text: string,
  use: (cursor: CursorLike, grammar: GrammarInfo) => T,
  options: { publicCursor?: boolean } = {},
): Promise<TreeResult<T>> {
  const tooCostly = parseCostProblem(path, text);
  if (tooCostly) return { ok: false, error: tooCostly };
  const { parser, wasm, grammar } = await getParser();
  let tree: Tree | null = null;
  try {
    parser.reset();
    tree = parser.parse(text);
    if (tree === null) return { ok: false, error: fileError('E_PARSE', path, 0, 0, 'the parser gave no tree', PARSE_HINT) };
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, error: syntaxError(path, text, root) };
    return { ok: true, value: use(walkCursor(options.publicCursor === true ? undefined : wasm, root.walk()), grammar) };
  } finally {
    tree?.delete();
  }
}

function syntaxError(path: string, text: string, root: TsNode): FlowLoadError {
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
  const column = columnOf(text, node.startIndex, node.startPosition.column);
  const excerpt = text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 60)).split('\n', 1)[0];
  return fileError('E_PARSE', path, line, column, `SyntaxError: ${what}`, PARSE_HINT, excerpt);
}

function columnOf(text: string, index: number, col: number): number {
  const prefix = text.slice(Math.max(0, index - col), index);
  return [...prefix].length + 1;
}

/**
 * Python source to the loader's own syntax tree (syntax.ts), checked the way CPython checks a
 * file when it compiles it. The tree-sitter half runs in this thread (wasm-parse.ts) or in a
 * parse worker (parse-ahead.ts); either way the copy and the checks happen here, in `finishParse`.
 */
import { checkSyntax } from './compile-checks.js';
import { checkLayout } from './layout.js';
import { fileError } from './refusal.js';
import { positionAt, type SourceFile, type Syntax } from './syntax.js';
import { copyTree, PARSE_HINT, type GrammarInfo } from './tree-copy.js';
import type { FlowLoadError } from '../types.js';
import type { CursorLike } from './wasm-cursor.js';
import { withTree } from './wasm-parse.js';

export { MAX_SYNTAX_DEPTH } from './tree-copy.js';
export { MAX_SOURCE_CHARS } from './parse-guards.js';
export { warmUpParser } from './wasm-parse.js';

/** A parsed module, or the error Python (or the size guard) gives for the file. */
export type ParseResult = { ok: true; module: Syntax; file: SourceFile } | { ok: false; error: FlowLoadError };

/**
 * Parses decoded source text in this thread. Never throws for bad input. `publicCursor` walks
 * the tree with web-tree-sitter's own TreeCursor, the fallback of wasm-cursor.ts (for tests).
 */
export async function parsePython(path: string, text: string, options: { publicCursor?: boolean } = {}): Promise<ParseResult> {
  const file: SourceFile = { path, text };
  const parsed = await withTree(path, text, (cursor, grammar) => finishParse(file, cursor, grammar), options);
  return parsed.ok ? parsed.value : parsed;
}

/**
 * Copies the tree under `cursor` (a live tree-sitter tree, or one a worker recorded) and applies
 * CPython's compile-time checks that tree-sitter does not make.
 */
export function finishParse(file: SourceFile, cursor: CursorLike, grammar: GrammarInfo): ParseResult {
  const { path, text } = file;
  const converted = copyTree(cursor, file, grammar);
  if ('error' in converted) return { ok: false, error: converted.error };
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
}

/**
 * The static loader's own syntax tree: a plain-object copy of the tree-sitter tree, made once
 * per file so the wasm tree can be freed at once and the evaluator never crosses into wasm.
 */

/** One parsed source file. */
export interface SourceFile {
  /** Repository-relative POSIX path. */
  readonly path: string;
  /** The decoded text (BOM stripped). */
  readonly text: string;
  /** Offsets where lines start, computed when a position is first needed. */
  lineStarts?: number[];
}

/** A node of the syntax tree. `start`/`end` are UTF-16 offsets into the file text. */
export interface Syntax {
  readonly type: string;
  readonly named: boolean;
  readonly start: number;
  readonly end: number;
  /** Named children and the anonymous tokens that carry meaning (operators, keywords). */
  readonly children: readonly Syntax[];
  /** Children by field name (tree-sitter fields). */
  readonly fields: ReadonlyMap<string, Syntax[]> | undefined;
  readonly file: SourceFile;
}

/** Something CPython rejects when it compiles a file, found after tree-sitter accepted it. */
export interface SyntaxProblem {
  /** UTF-16 offset into the file text. */
  offset: number;
  /** As Python words it, e.g. `IndentationError: unexpected indent`. */
  message: string;
  /** E_UNSUPPORTED: the loader cannot tell whether Python accepts it (default E_PARSE: it does not). */
  code?: 'E_UNSUPPORTED';
}

/** The source text of a node. */
export function textOf(node: Syntax): string {
  return node.file.text.slice(node.start, node.end);
}

/** The first child in a field, or undefined. */
export function field(node: Syntax, name: string): Syntax | undefined {
  return node.fields?.get(name)?.[0];
}

/** All children in a field. */
export function fieldAll(node: Syntax, name: string): Syntax[] {
  return node.fields?.get(name) ?? [];
}

/** Named children only (comments excluded). */
export function namedChildren(node: Syntax): Syntax[] {
  return node.children.filter((c) => c.named && c.type !== 'comment');
}

/** 1-based line and code-point column of an offset, as people count them in an editor. */
export function positionAt(file: SourceFile, offset: number): { line: number; column: number } {
  const text = file.text;
  if (!file.lineStarts) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    file.lineStarts = starts;
  }
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  const lineStart = starts[lo] ?? 0;
  const prefix = text.slice(lineStart, offset);
  let column = 1;
  for (let i = 0; i < prefix.length; i++) {
    const unit = prefix.charCodeAt(i);
    // A surrogate pair is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < prefix.length) i++;
    column++;
  }
  return { line: lo + 1, column };
}

/** 1-based line and column of a node. */
export function positionOf(node: Syntax): { line: number; column: number } {
  return positionAt(node.file, node.start);
}

/** A one-line excerpt of the node's text for messages (at most 80 characters). */
export function constructText(node: Syntax): string {
  const raw = textOf(node);
  const firstLine = raw.split(/\r?\n/, 1)[0] ?? '';
  const oneLine = firstLine.length < raw.length ? `${firstLine} ...` : firstLine;
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

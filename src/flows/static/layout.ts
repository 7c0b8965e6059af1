/**
 * The layout checks of CPython's tokenizer, which tree-sitter does not make: its scanner accepts
 * an empty block (`with Flow("x") as flow:` at the end of a file), a dedent to a column no
 * enclosing block uses, an indented line where no block starts, tabs and spaces that only agree
 * at one tab size, and a trailing backslash. Python fails to import such a file, so the loader
 * must not read a flow from it.
 *
 * A small tokenizer over the text: it only needs strings, comments, brackets and line
 * continuations to know where logical lines start, how they are indented, and whether a logical
 * line ends with the `:` of a block header. It runs only on text tree-sitter parsed without
 * error, so everything else about the tokens is already known to be well formed. The logical
 * lines it finds also let compile-checks.ts catch statements tree-sitter joined across a line
 * break.
 */
import type { SyntaxProblem } from './syntax.js';

const TAB_SIZE = 8;
/** CPython's MAXINDENT. */
const MAX_INDENT = 100;
const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);

/** Keywords after which a statement cannot end (a line break there is a syntax error in Python). */
const NEEDS_MORE = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif', 'lambda', 'import', 'from', 'as', 'with', 'for', 'while',
  'def', 'class', 'del', 'assert', 'await', 'async', 'global', 'nonlocal', 'except', 'try', 'finally']);

/** The logical lines of a file, as CPython's tokenizer splits it. */
export interface Layout {
  /** Offset of the first token of each logical line. */
  starts: number[];
  /** Starts of lines whose previous logical line ended where no statement can end (after `=`, `as`, ...). */
  openEnded: Set<number>;
}

const SPACE = 0x20, TAB = 0x09, FORM_FEED = 0x0c, LF = 0x0a, CR = 0x0d, HASH = 0x23, BACKSLASH = 0x5c, COLON = 0x3a;

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c > 0x7f;
}

/** How CPython names the block a header opens, for "expected an indented block after ...". */
function blockName(text: string, start: number): string {
  let word = /^[A-Za-z_]\w*/.exec(text.slice(start, start + 20))?.[0] ?? '';
  if (word === 'async') word = /^async\s+([A-Za-z_]\w*)/.exec(text.slice(start, start + 40))?.[1] ?? word;
  if (word === 'def') return 'function definition';
  if (word === 'class') return 'class definition';
  if (['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'match', 'case'].includes(word)) return `'${word}' statement`;
  return 'the statement';
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  // Lone CRs end lines too (CPython reads them as newlines).
  return line + (text.slice(0, offset).match(/\r(?!\n)/g)?.length ?? 0);
}

/** Ends a string starting at `i` (its opening quote); returns the index after it, or -1 if unterminated. */
function skipString(text: string, i: number): number {
  const quote = text.charCodeAt(i);
  const triple = text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote;
  let j = i + (triple ? 3 : 1);
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    // A backslash always takes the next character along, raw strings included (r'\'' is one string).
    if (c === BACKSLASH) {
      if (text.charCodeAt(j + 1) === CR && text.charCodeAt(j + 2) === LF) j++;
      j++;
    } else if (c === quote) {
      if (!triple) return j + 1;
      if (text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote) return j + 3;
    } else if ((c === LF || c === CR) && !triple) return -1;
  }
  return -1;
}

/** The logical lines, or the first layout error CPython's tokenizer (or parser, for blocks) reports. */
export function checkLayout(text: string): Layout | { problem: SyntaxProblem } {
  const problem = (offset: number, message: string): { problem: SyntaxProblem } => ({ problem: { offset, message } });
  const layout: Layout = { starts: [], openEnded: new Set() };
  const indents = [0];
  // The same columns counted with a tab size of 1: CPython's TabError check.
  const altIndents = [0];
  let depth = 0;
  /** Start of the block header whose body has not started yet. */
  let header = -1;
  let atLineStart = true;
  let lineStart = 0;
  let endsWithColon = false;
  /** The last token could end a statement (a name that is not a keyword needing more, a literal, a closing bracket). */
  let mayEnd = true;
  /** Whether the first token of the current logical line is still to come. */
  let firstToken = false;
  const n = text.length;
  let i = 0;
  let openEnded = false;
  const endLogicalLine = (): void => {
    if (endsWithColon) header = lineStart;
    endsWithColon = false;
    openEnded = !mayEnd;
    atLineStart = true;
  };
  const token = (at: number, ends: boolean): void => {
    if (firstToken) {
      layout.starts.push(at);
      if (openEnded) layout.openEnded.add(at);
      firstToken = false;
    }
    mayEnd = ends;
  };
  const expected = (at: number): { problem: SyntaxProblem } =>
    problem(at, `IndentationError: expected an indented block after ${blockName(text, header)} on line ${lineOf(text, header)}`);
  while (i < n) {
    if (atLineStart) {
      let col = 0;
      let alt = 0;
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === SPACE) { col++; alt++; }
        else if (c === TAB) { col = (Math.floor(col / TAB_SIZE) + 1) * TAB_SIZE; alt++; }
        else if (c === FORM_FEED) { col = 0; alt = 0; }
        else break;
      }
      const c = text.charCodeAt(j);
      // Blank and comment-only lines do not count.
      if (j >= n || c === HASH || c === LF || c === CR) {
        while (j < n && text.charCodeAt(j) !== LF && text.charCodeAt(j) !== CR) j++;
        i = j + (text.charCodeAt(j) === CR && text.charCodeAt(j + 1) === LF ? 2 : 1);
        continue;
      }
      const top = indents[indents.length - 1] as number;
      const altTop = altIndents[altIndents.length - 1] as number;
      if (col === top) {
        if (alt !== altTop) return problem(j, 'TabError: inconsistent use of tabs and spaces in indentation');
        if (header >= 0) return expected(j);
      } else if (col > top) {
        if (alt <= altTop) return problem(j, 'TabError: inconsistent use of tabs and spaces in indentation');
        if (header < 0) return problem(j, 'IndentationError: unexpected indent');
        if (indents.length >= MAX_INDENT) return problem(j, 'IndentationError: too many levels of indentation');
        indents.push(col);
        altIndents.push(alt);
      } else {
        while (indents.length > 1 && col < (indents[indents.length - 1] as number)) {
          indents.pop();
          altIndents.pop();
        }
        if (col !== indents[indents.length - 1]) return problem(j, 'IndentationError: unindent does not match any outer indentation level');
        if (alt !== altIndents[altIndents.length - 1]) return problem(j, 'TabError: inconsistent use of tabs and spaces in indentation');
        if (header >= 0) return expected(j);
      }
      header = -1;
      atLineStart = false;
      firstToken = true;
      lineStart = j;
      i = j;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB || c === FORM_FEED) {
      i++;
    } else if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
    } else if (c === LF || c === CR) {
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      if (depth === 0) endLogicalLine();
    } else if (c === BACKSLASH) {
      const next = text.charCodeAt(i + 1);
      if (next !== LF && next !== CR) {
        if (i + 1 >= n) return problem(i, 'SyntaxError: unexpected EOF while parsing');
        return problem(i + 1, 'SyntaxError: unexpected character after line continuation character');
      }
      if (i + (next === CR && text.charCodeAt(i + 2) === LF ? 3 : 2) >= n) return problem(i, 'SyntaxError: unexpected EOF while parsing');
      i += next === CR && text.charCodeAt(i + 2) === LF ? 3 : 2;
    } else if (c === 0x22 || c === 0x27) {
      const end = skipString(text, i);
      if (end < 0) return problem(i, 'SyntaxError: unterminated string literal');
      token(i, true);
      i = end;
      endsWithColon = false;
    } else if (isNameChar(c)) {
      let j = i + 1;
      while (j < n && isNameChar(text.charCodeAt(j))) j++;
      const q = text.charCodeAt(j);
      const word = j - i <= 8 ? text.slice(i, j) : '';
      if ((q === 0x22 || q === 0x27) && STRING_PREFIXES.has(word.toLowerCase())) {
        const end = skipString(text, j);
        if (end < 0) return problem(i, 'SyntaxError: unterminated string literal');
        token(i, true);
        j = end;
      } else token(i, !NEEDS_MORE.has(word));
      i = j;
      endsWithColon = false;
    } else {
      if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
      else if ((c === 0x29 || c === 0x5d || c === 0x7d) && depth > 0) depth--;
      // Closing brackets, `,` (a tuple), `;` and `.` (of `...`) may end a statement; operators may not.
      token(i, c === 0x29 || c === 0x5d || c === 0x7d || c === 0x2c || c === 0x3b || c === 0x2e);
      // `:=` is not a block header's colon.
      endsWithColon = c === COLON && text.charCodeAt(i + 1) !== 0x3d;
      i++;
    }
  }
  if (!atLineStart) endLogicalLine();
  // At the end of the file, the header itself is the place to point at.
  if (header >= 0) return expected(header);
  return layout;
}

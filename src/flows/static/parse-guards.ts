/**
 * Inputs the static loader refuses before tree-sitter sees them, because parsing them would take
 * seconds to hours instead of milliseconds. Both refusals leave the file to the python loader.
 */
import type { FlowLoadError } from '../types.js';
import { fileError } from './refusal.js';

/** Larger files are refused: a flow file this size is not hand-written. */
export const MAX_SOURCE_CHARS = 1024 * 1024;

/**
 * The costliest run of comment lines after code that is parsed: lines × characters of the run.
 * tree-sitter-python's scanner looks through the rest of such a run again at every line (to know
 * whether an indent or dedent follows), so the parse time grows with the square of the run: about
 * 1.2 s per 10⁸ on this project's 2-core machine, so this limit is a few seconds.
 */
export const MAX_COMMENT_RUN_COST = 200_000_000;

const PYTHON_HINT = 'register this file with `--loader python`';

/** The refusal for text too costly to parse, or undefined when it is fine. */
export function parseCostProblem(path: string, text: string): FlowLoadError | undefined {
  if (text.length > MAX_SOURCE_CHARS) {
    return fileError('E_UNSUPPORTED', path, 0, 0, `the file has ${text.length} characters; the static loader reads files up to ${MAX_SOURCE_CHARS}`, PYTHON_HINT);
  }
  const run = costliestCommentRun(text);
  if (run.cost <= MAX_COMMENT_RUN_COST) return undefined;
  return fileError('E_UNSUPPORTED', path, run.line, 1,
    `a run of ${run.lines} comment lines after code (from line ${run.line}); the parser reads such runs in quadratic time, so the static loader refuses it instead of spending minutes on it`,
    `shorten or delete the commented-out block, or ${PYTHON_HINT}`);
}

/**
 * Lines × characters of the longest-costing run of comment-only lines (blank lines included)
 * that follows a line of code. A leading run (a file header) costs nothing and is not counted.
 * Lines of a triple-quoted string that start with `#` count too: a refusal, never a wrong result.
 */
export function costliestCommentRun(text: string): { cost: number; lines: number; line: number } {
  let best = { cost: 0, lines: 0, line: 0 };
  let seenCode = false;
  let lines = 0;
  let chars = 0;
  let start = 0;
  let lineNo = 0;
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf('\n', at);
    const stop = end < 0 ? text.length : end;
    lineNo++;
    let first = at;
    while (first < stop && (text.charCodeAt(first) === 0x20 || text.charCodeAt(first) === 0x09 || text.charCodeAt(first) === 0x0d)) first++;
    const comment = first < stop && text.charCodeAt(first) === 0x23;
    if (comment || (first === stop && lines > 0)) {
      if (seenCode) {
        if (lines === 0) start = lineNo;
        lines++;
        chars += stop - at + 1;
        if (lines * chars > best.cost) best = { cost: lines * chars, lines, line: start };
      }
    } else if (first < stop) {
      seenCode = true;
      lines = 0;
      chars = 0;
    }
    if (end < 0) break;
    at = end + 1;
  }
  return best;
}

/**
 * Why the static loader stops. Two kinds, kept apart on purpose:
 * - `Refusal`: the loader cannot be certain what Python would produce (E_UNSUPPORTED). The
 *   flows it can touch are refused; the rest of the file goes on.
 * - `PyError`: Python itself raises here while `prefect register` runs the file, so the whole
 *   file fails to load (E_FLOW_LOAD), exactly as `prefect register` reports it.
 */
import type { ErrorCode } from '../../errors.js';
import type { FlowLoadError } from '../types.js';
import { constructText, positionOf, type Syntax } from './syntax.js';

/** The hint every refusal carries: the python loader runs the file for real. */
export const PYTHON_LOADER_HINT = 'register this file with `--loader python` (runs it with Prefect), or rewrite the construct';

/** Where a problem is: a node of the file, or a whole file (line 0). */
export interface ProblemSite {
  file: string;
  line: number;
  column: number;
  construct?: string | undefined;
}

/** Site of a syntax node. */
export function siteOf(node: Syntax): ProblemSite {
  const { line, column } = positionOf(node);
  return { file: node.file.path, line, column, construct: constructText(node) };
}

/** The loader cannot know the result for certain. */
export class Refusal extends Error {
  readonly site: ProblemSite;
  readonly hint: string;
  constructor(node: Syntax | ProblemSite, message: string, hint: string = PYTHON_LOADER_HINT) {
    super(message);
    this.name = 'Refusal';
    this.site = 'type' in node ? siteOf(node) : node;
    this.hint = hint;
  }
}

/** A refusal that makes the whole file uncertain (no flow of it can be trusted). */
export class FileRefusal extends Refusal {}

/** Python raises while the file is executed (or serialized). */
export class PyError extends Error {
  readonly site: ProblemSite;
  /** Python's exception type, e.g. `ValueError`. */
  readonly pyType: string;
  constructor(node: Syntax | ProblemSite, pyType: string, message: string) {
    super(message);
    this.name = 'PyError';
    this.site = 'type' in node ? siteOf(node) : node;
    this.pyType = pyType;
  }
}

/** Shorthand: throw a refusal at a node. */
export function refuse(node: Syntax, message: string): never {
  throw new Refusal(node, message);
}

/** Shorthand: Python raises `pyType(message)` at a node. */
export function raisePy(node: Syntax, pyType: string, message: string): never {
  throw new PyError(node, pyType, message);
}

/** Turns a problem into the loader's error record. */
export function toFlowLoadError(problem: Refusal | PyError, flow?: string): FlowLoadError {
  const { site } = problem;
  const where = site.line > 0 ? `${site.file}:${site.line}:${site.column}` : site.file;
  let code: ErrorCode;
  let message: string;
  let hint: string;
  if (problem instanceof Refusal) {
    code = 'E_UNSUPPORTED';
    message = `${where}: cannot load statically: ${problem.message}`;
    hint = problem.hint;
  } else {
    code = 'E_FLOW_LOAD';
    message = `${where}: Prefect would fail here: ${problem.pyType}: ${problem.message}`;
    hint = 'fix the flow file; `prefect register` fails on it too';
  }
  return {
    code,
    file: site.file,
    line: site.line,
    column: site.column,
    message,
    hint,
    ...(flow === undefined ? {} : { flow }),
    ...(site.construct === undefined ? {} : { construct: site.construct }),
  };
}

/** A file-level error that is not tied to the evaluator (parse, decode, size). */
export function fileError(
  code: ErrorCode,
  file: string,
  line: number,
  column: number,
  message: string,
  hint: string,
  construct?: string,
): FlowLoadError {
  const where = line > 0 ? `${file}:${line}:${column}` : file;
  return { code, file, line, column, message: `${where}: ${message}`, hint, ...(construct === undefined ? {} : { construct }) };
}

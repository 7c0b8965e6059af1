import type { ErrorCode } from '../errors.js';
import type { PyObject } from '../prefect/py-value.js';

/** A Python file of the repository, as a loader reads it. */
export interface FlowFile {
  /** Repository-relative path with POSIX separators: this becomes `flow_path`. */
  path: string;
  /** The file's bytes (from the working tree, or from `git show <commit>:<path>`). */
  content: Buffer;
}

/** One flow a loader produced, serialized exactly as Prefect 1.4.1 would. */
export interface LoadedFlow {
  name: string;
  /** Repository-relative POSIX path of the file that defines the flow. */
  flowPath: string;
  /** 1-based line of the flow's definition, when known. */
  line?: number | undefined;
  loader: 'static' | 'python';
  /** `flow.serialize(build=False)` after `prefect register`'s preparation, storage included. */
  serialized: PyObject;
}

/** A flow or file a loader refused or could not read; the other flows go on. */
export interface FlowLoadError {
  code: ErrorCode;
  /** Repository-relative POSIX path. */
  file: string;
  /** 1-based; 0 when not tied to a line. */
  line: number;
  /** 1-based; 0 when not tied to a column. */
  column: number;
  message: string;
  hint: string;
  /** The flow name, when the refusal is about one flow of the file. */
  flow?: string | undefined;
  /** The construct that could not be read exactly (static loader). */
  construct?: string | undefined;
}

export interface LoadResult {
  flows: LoadedFlow[];
  errors: FlowLoadError[];
}

/**
 * The line protocol between prefect-git and `python/prefect_git_loader.py` (its docstring is the
 * other half of this contract). stdin: one JSON request line, then silence until prefect-git
 * closes it. stdout: one ASCII JSON event per line; user output never reaches it (the helper
 * moves fd 1 to stderr before importing anything).
 */

/** Bumped whenever the request or an event changes shape; the helper refuses a mismatch. */
export const PROTOCOL_VERSION = 1;

/** What prefect-git sends on the helper's stdin. */
export interface HelperRequest {
  protocol: number;
  /** Absolute folder the repo-relative `files` are joined to. */
  root: string;
  /** Repo-relative POSIX paths, loaded in this order. */
  files: string[];
  /** Keyword arguments of `prefect.storage.Git(...)`, besides `flow_path` and `flow_name`. */
  storage: Record<string, unknown>;
  labels: string[];
  /** Only flows with these names are prepared and serialized; null keeps all. */
  names: string[] | null;
  debug: boolean;
}

export interface HelloEvent {
  event: 'hello';
  protocol: number;
  python: string;
  executable: string;
  prefect: string;
  prefect_file?: string | null;
}

export interface FatalEvent {
  event: 'fatal';
  /** `python-version`, `no-prefect`, `prefect-broken`, `prefect-version` or `request`. */
  kind: string;
  message?: string;
  version?: string;
  prefect_file?: string | null;
}

export interface FileEvent {
  event: 'file';
  file: string;
}

export interface FlowEvent {
  event: 'flow';
  file: string;
  name: string;
  line: number | null;
  /** Python's own `json.dumps(flow.serialize(build=False), sort_keys=True)`, byte for byte. */
  sort_keys_text: string;
}

export interface ErrorEvent {
  event: 'error';
  file: string;
  /** `load` (running the file), `prepare` (storage, run_config, add_flow, build) or `serialize`. */
  stage: string;
  type: string;
  message: string;
  line: number;
  column: number;
  flow?: string;
  /** `ModuleNotFoundError.name`. */
  module?: string;
  /** Only when the request asked for `debug`. */
  traceback?: string;
}

export interface DoneEvent {
  event: 'done';
}

export type HelperEvent = HelloEvent | FatalEvent | FileEvent | FlowEvent | ErrorEvent | DoneEvent;

/**
 * Parses one stdout line of the helper.
 *
 * @returns the event.
 * @throws Error when the line is not a well-formed event (a protocol bug, not a user error).
 */
export function parseHelperEvent(line: string): HelperEvent {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('not a JSON object');
  }
  const event = value as Record<string, unknown>;
  const need = (key: string, type: 'string' | 'number'): void => {
    if (typeof event[key] !== type) throw new Error(`'${event.event as string}' event without ${type} '${key}'`);
  };
  switch (event.event) {
    case 'hello':
      need('python', 'string');
      need('prefect', 'string');
      need('protocol', 'number');
      break;
    case 'fatal':
      need('kind', 'string');
      break;
    case 'file':
      need('file', 'string');
      break;
    case 'flow':
      need('file', 'string');
      need('name', 'string');
      need('sort_keys_text', 'string');
      if (event.line !== null && typeof event.line !== 'number') throw new Error("'flow' event with a bad 'line'");
      break;
    case 'error':
      need('file', 'string');
      need('type', 'string');
      need('message', 'string');
      need('line', 'number');
      need('column', 'number');
      break;
    case 'done':
      break;
    default:
      throw new Error(`unknown event ${JSON.stringify(event.event)}`);
  }
  return value as HelperEvent;
}

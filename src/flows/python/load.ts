import { PrefectGitError } from '../../errors.js';
import { idempotencyKeyOfText } from '../../prefect/payload.js';
import { isPyObject } from '../../prefect/py-value.js';
import type { PyValue } from '../../prefect/py-value.js';
import { parsePyJson, pyjsonDumps } from '../../prefect/pyjson.js';
import type { GitStorage } from '../../storage/types.js';
import type { FlowLoadError, LoadedFlow, LoadResult } from '../types.js';
import { fatalError, helperFailed, probed, resolvePythonInterpreter, type ProbedPython } from './interpreter.js';
import { PROTOCOL_VERSION, type ErrorEvent, type FatalEvent, type FlowEvent, type HelloEvent, type HelperRequest } from './protocol.js';
import { runHelper, type Env } from './run-helper.js';

/** The `Git(...)` arguments prefect-git built; `flow_path` and `flow_name` are set per flow. */
export type GitStorageArgs = Omit<GitStorage, 'flows' | 'flow_path' | 'flow_name' | '__version__' | 'type'>;

/** A flow the python loader produced, with Python's own sort_keys text and its key. */
export interface PythonLoadedFlow extends LoadedFlow {
  loader: 'python';
  /** `json.dumps(serialized, sort_keys=True)` exactly as Python wrote it. */
  sortKeysText: string;
  /** SHA-256 of `sortKeysText`: the `prefect register` idempotency key. */
  idempotencyKey: string;
}

/** A file or flow that failed under Python. */
export interface PythonFlowLoadError extends FlowLoadError {
  /** The Python exception class, e.g. `ZeroDivisionError`. */
  exceptionType?: string | undefined;
  /** For ModuleNotFoundError: the module that is missing. */
  module?: string | undefined;
  /** The full Python traceback (only with `debug`; it is also appended to `message`). */
  traceback?: string | undefined;
}

export interface PythonLoadResult extends LoadResult {
  flows: PythonLoadedFlow[];
  errors: PythonFlowLoadError[];
  /** The interpreter that ran (undefined when there were no files, so nothing ran). */
  interpreter: ProbedPython | undefined;
}

export interface LoadFlowsPythonOptions {
  /** Absolute folder holding the files (the repository root). */
  repoRoot: string;
  /** Repo-relative POSIX paths, loaded in this order; each becomes its flows' `flow_path`. */
  files: string[];
  /** `--python`; see `resolvePythonInterpreter` for the rest of the search. */
  python?: string | undefined;
  env: Env;
  /** Folder a relative `python` is resolved against (default: repoRoot). */
  cwd?: string | undefined;
  /** The whole run (starting Python, importing Prefect, all files); default 120000. */
  timeoutMs?: number | undefined;
  storage: GitStorageArgs;
  labels?: string[] | undefined;
  /** Adds Python tracebacks to the errors. */
  debug?: boolean | undefined;
  /**
   * Only flows with these names are prepared and serialized. Missing names are not reported here
   * (other loaders may define them): use `filterByName` from `flows/load-flows.ts`.
   */
  names?: string[] | undefined;
  /** Everything the helper and the flow files print (stdout included) arrives here. */
  onStderr?: ((text: string) => void) | undefined;
}

const NOT_STORAGE_ARGS = new Set(['flows', 'flow_path', 'flow_name', '__version__', 'type']);

/**
 * Loads flow files with the user's own Prefect 1.x, as `prefect register --path` does, in ONE
 * Python process: every Flow of every file, prepared with Prefect's own `Git` storage and
 * `UniversalRun`, serialized with `flow.serialize(build=False)`.
 *
 * @returns the flows (file order, then namespace order) and one error per failed file or flow;
 *   a failing file never stops the others.
 * @throws PrefectGitError E_PYTHON (no interpreter, it crashed, or the run timed out: the
 *   message names the file that was loading), E_PREFECT (no Prefect 1.x), E_INTERNAL (protocol).
 */
export async function loadFlowsPython(options: LoadFlowsPythonOptions): Promise<PythonLoadResult> {
  const result: PythonLoadResult = { flows: [], errors: [], interpreter: undefined };
  if (options.files.length === 0) return result;
  const interpreter = await resolvePythonInterpreter(options);

  const storage: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options.storage)) {
    if (!NOT_STORAGE_ARGS.has(key) && value !== undefined) storage[key] = value;
  }
  const request: HelperRequest = {
    protocol: PROTOCOL_VERSION,
    root: options.repoRoot,
    files: options.files,
    storage,
    labels: options.labels ?? [],
    names: options.names ?? null,
    debug: options.debug === true,
  };
  const timeoutMs = options.timeoutMs ?? 120_000;
  let hello: HelloEvent | undefined;
  let fatal: FatalEvent | undefined;
  let done = false;
  const run = await runHelper({
    command: interpreter.command,
    args: [],
    cwd: options.repoRoot,
    env: options.env,
    input: JSON.stringify(request),
    timeoutMs,
    onStderr: options.onStderr,
    onEvent: (event) => {
      switch (event.event) {
        case 'hello':
          hello = event;
          break;
        case 'fatal':
          fatal = event;
          break;
        case 'flow':
          addFlow(result, event);
          break;
        case 'error':
          result.errors.push(toLoadError(event, interpreter.command, options.debug === true));
          break;
        case 'done':
          done = true;
          break;
      }
    },
  });
  if (fatal !== undefined) throw fatalError(interpreter, fatal);
  if (run.protocolError !== undefined) {
    throw new PrefectGitError('E_INTERNAL', `The python loader's helper sent a bad line: ${run.protocolError}`, {
      hint: 'This is a bug in prefect-git; rerun with --debug and report it.',
    });
  }
  if (run.timedOut) {
    const where = run.lastFile !== undefined ? `while loading ${run.lastFile}` : 'while starting Python and importing Prefect';
    throw new PrefectGitError('E_PYTHON', `The python loader timed out after ${timeoutMs / 1000} s ${where}; its processes were killed`, {
      hint: 'Flow files run their top-level code when loaded: move slow work into tasks, or raise python_timeout.',
      details: { reason: 'timeout', file: run.lastFile, timeoutMs },
    });
  }
  if (hello === undefined) throw helperFailed(interpreter, run.stderrTail, run.exitCode);
  if (hello.protocol !== PROTOCOL_VERSION) {
    throw new PrefectGitError('E_INTERNAL', `The python loader's helper speaks protocol ${hello.protocol}, expected ${PROTOCOL_VERSION}`, {
      hint: 'Reinstall prefect-git: its helper script does not match it.',
    });
  }
  if (!done) {
    const where = run.lastFile !== undefined ? ` while loading ${run.lastFile}` : '';
    const lastLine = run.stderrTail.trim().split('\n').pop()?.trim();
    throw new PrefectGitError(
      'E_PYTHON',
      `Python (${interpreter.command}) ended${where} (exit ${String(run.exitCode ?? run.signal)})${lastLine ? `: ${lastLine}` : ''}`,
      {
        hint: 'The flow file ended the process (os._exit, a crash in an extension module); prefect register would stop there too. Rerun with --debug to see its output.',
        details: { reason: 'exited', file: run.lastFile, exitCode: run.exitCode, signal: run.signal, stderr: run.stderrTail },
      },
    );
  }
  result.interpreter = probed(interpreter, hello);
  return result;
}

function addFlow(result: PythonLoadResult, event: FlowEvent): void {
  const text = event.sort_keys_text;
  let serialized: PyValue;
  try {
    serialized = parsePyJson(text);
  } catch (error) {
    result.errors.push(internalFlowError(event, `its JSON could not be read (${(error as Error).message})`));
    return;
  }
  if (!isPyObject(serialized) || serialized.name !== event.name) {
    result.errors.push(internalFlowError(event, 'its JSON is not a serialized flow of that name'));
    return;
  }
  // The rest of prefect-git dumps `serialized` again (the compressed payload): it must be the
  // same value Python had, which shows if it gives back Python's text exactly.
  if (pyjsonDumps(serialized, { sortKeys: true }) !== text) {
    result.errors.push(internalFlowError(event, "prefect-git's JSON reader does not give back Python's text"));
    return;
  }
  result.flows.push({
    name: event.name,
    flowPath: event.file,
    line: event.line ?? undefined,
    loader: 'python',
    serialized,
    sortKeysText: text,
    idempotencyKey: idempotencyKeyOfText(text),
  });
}


function internalFlowError(event: FlowEvent, what: string): PythonFlowLoadError {
  return {
    code: 'E_INTERNAL',
    file: event.file,
    line: event.line ?? 0,
    column: 0,
    flow: event.name,
    message: `flow '${event.name}' came back from Python but ${what}`,
    hint: 'This is a bug in prefect-git; rerun with --debug and report it.',
  };
}

const STAGE = { load: 'loading the file', prepare: 'preparing flow', serialize: 'serializing flow' } as const;

/** An `error` event as a FlowLoadError: one-line message, a hint, the user's line. */
export function toLoadError(event: ErrorEvent, python: string, debug: boolean): PythonFlowLoadError {
  const what = event.message === '' ? event.type : `${event.type}: ${event.message}`;
  const stage = event.stage === 'prepare' || event.stage === 'serialize' ? `${STAGE[event.stage]} '${event.flow ?? '?'}'` : STAGE.load;
  let code: FlowLoadError['code'] = 'E_FLOW_LOAD';
  let hint = `prefect register --path fails on this file too: fix it${event.line > 0 ? ` at line ${event.line}` : ''}${debug ? '' : ' (--debug shows the traceback)'}.`;
  if (event.type === 'ModuleNotFoundError' && event.module !== undefined) {
    hint = `Install the flow's requirements (the package that provides '${event.module}') into ${python}, or use the static loader (--loader static).`;
  } else if (['SyntaxError', 'IndentationError', 'TabError'].includes(event.type)) {
    code = 'E_PARSE';
  } else if (event.type === 'SystemExit') {
    hint = 'The file calls sys.exit() when imported; guard that code with `if __name__ == "__main__":`.';
  } else if (event.stage === 'prepare' && event.message.startsWith('Name conflict')) {
    hint = 'The same flow object is bound to two names in this file; prefect register fails on it too. Bind it once.';
  }
  const error: PythonFlowLoadError = {
    code,
    file: event.file,
    line: event.line,
    column: event.column,
    message: `${stage} failed: ${what}${debug && event.traceback !== undefined ? `\n${event.traceback.trimEnd()}` : ''}`,
    hint,
    exceptionType: event.type,
  };
  if (event.flow !== undefined) error.flow = event.flow;
  if (event.module !== undefined) error.module = event.module;
  if (event.traceback !== undefined) error.traceback = event.traceback;
  return error;
}

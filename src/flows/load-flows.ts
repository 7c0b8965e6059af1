import { PrefectGitError, isPrefectGitError } from '../errors.js';
import type { GitStorage } from '../storage/types.js';
import { compareLoaders } from './python/compare.js';
import type { LoaderDifference } from './python/compare.js';
import type { GitStorageArgs } from './python/load.js';
import { loadFlowsPython } from './python/load.js';
import type { Env } from './python/run-helper.js';
import { loadFlowsStatic } from './static/index.js';
import { MIN_FILES_FOR_WORKER, ParseWorker } from './static/parse-ahead.js';
import { warmUpParser } from './static/parser.js';
import type { FlowFile, FlowLoadError, LoadResult, LoadedFlow } from './types.js';

export type LoaderMode = 'auto' | 'static' | 'python' | 'both';

/** How to run the python loader, when the mode may need it. */
export interface PythonLoaderOptions {
  /** A folder holding the files as they should be read (created on demand: it may cost a checkout). */
  root: () => Promise<string>;
  python?: string | undefined;
  env: Env;
  cwd?: string | undefined;
  timeoutMs?: number | undefined;
  /** The Git(...) arguments prefect-git built, for Prefect's own `Git` storage. */
  storage: GitStorageArgs;
  debug?: boolean | undefined;
  /** Everything the helper and the user's files print. */
  onOutput?: ((text: string) => void) | undefined;
}

export interface LoadFlowsOptions {
  files: FlowFile[];
  /** The storage each flow gets (prefect-git's Git storage descriptor for that flow). */
  storageFor: (flow: { name: string; flowPath: string }) => GitStorage;
  labels?: string[] | undefined;
  prefectVersion?: string | undefined;
  /** Reads another file of the repository (for imports between flow modules). */
  readRepoFile?: ((path: string) => Promise<Buffer | undefined>) | undefined;
  /** Only these flow names; the others are dropped and missing ones reported. */
  names?: readonly string[] | undefined;
  /** Default `auto`: static first, the python loader for what the static loader refuses. */
  loader?: LoaderMode | undefined;
  python?: PythonLoaderOptions | undefined;
  /** A parse worker from {@link prepareStaticParsing} (the caller closes it). */
  parseWorker?: ParseWorker | undefined;
}

/**
 * Gets the static loader's parsing going before the files are read, so its start-up overlaps
 * reading them: a parse worker for many files (returned: pass it to {@link loadFlows}, close it
 * after), else this thread's parser is loaded in the background.
 */
export function prepareStaticParsing(fileCount: number, mode: LoaderMode): ParseWorker | undefined {
  if (mode === 'python') return undefined;
  const worker = fileCount >= MIN_FILES_FOR_WORKER ? ParseWorker.start() : undefined;
  if (!worker) warmUpParser();
  return worker;
}

export interface FlowsLoaded extends LoadResult {
  /** `both` mode: where the static loader disagrees with Prefect (each one is a static-loader bug). */
  differences: LoaderDifference[];
}

/** Static refusals the python loader may be able to read: unsupported constructs and syntax the grammar rejects. */
const PYTHON_CAN_RETRY = new Set(['E_UNSUPPORTED', 'E_PARSE']);

async function runPython(options: LoadFlowsOptions, files: string[]): Promise<LoadResult> {
  const python = options.python;
  if (!python) throw new PrefectGitError('E_USAGE', 'the python loader was asked for but not configured', { hint: 'This is a bug in the caller.' });
  return loadFlowsPython({
    repoRoot: await python.root(),
    files,
    python: python.python,
    env: python.env,
    cwd: python.cwd,
    timeoutMs: python.timeoutMs,
    storage: python.storage,
    labels: options.labels,
    debug: python.debug,
    names: options.names ? [...options.names] : undefined,
    onStderr: python.onOutput,
  });
}

/** Adds "or use the python loader" context to refusals the python loader could not take over. */
function withPythonUnavailable(errors: FlowLoadError[], why: string): FlowLoadError[] {
  return errors.map((error) =>
    PYTHON_CAN_RETRY.has(error.code) ? { ...error, hint: `${error.hint} (the python loader is not available: ${why})` } : error,
  );
}

/** auto: the static result, with the files it refused re-read by the user's own Prefect. */
async function loadAuto(options: LoadFlowsOptions, staticResult: LoadResult): Promise<LoadResult> {
  const retry = [...new Set(staticResult.errors.filter((e) => PYTHON_CAN_RETRY.has(e.code)).map((e) => e.file))].sort();
  if (retry.length === 0 || !options.python) return staticResult;
  let python: LoadResult;
  try {
    python = await runPython(options, retry);
  } catch (error) {
    if (isPrefectGitError(error) && (error.code === 'E_PYTHON' || error.code === 'E_PREFECT')) {
      return { flows: staticResult.flows, errors: withPythonUnavailable(staticResult.errors, error.message) };
    }
    throw error;
  }
  const retried = new Set(retry);
  const have = new Set(staticResult.flows.map((flow) => `${flow.flowPath}\0${flow.name}`));
  const flows: LoadedFlow[] = [...staticResult.flows, ...python.flows.filter((flow) => !have.has(`${flow.flowPath}\0${flow.name}`))];
  const errors = [...staticResult.errors.filter((error) => !retried.has(error.file)), ...python.errors];
  const order = new Map(options.files.map((file, index) => [file.path, index]));
  flows.sort((a, b) => (order.get(a.flowPath) ?? 0) - (order.get(b.flowPath) ?? 0));
  return { flows, errors };
}

/**
 * Reads the flows of the given files and serializes each exactly as Prefect 1.4.1 would, with
 * the chosen loader. Returns every flow that loaded and an error entry for each flow or file that
 * did not: one broken file never hides the others.
 * @throws PrefectGitError E_PYTHON / E_PREFECT when the python loader is required (mode
 *   `python` or `both`) and cannot run.
 */
export async function loadFlows(options: LoadFlowsOptions): Promise<FlowsLoaded> {
  const mode = options.loader ?? 'auto';
  let result: LoadResult;
  let differences: LoaderDifference[] = [];
  if (mode === 'python') {
    result = await runPython(options, options.files.map((file) => file.path));
  } else {
    const staticResult = await loadFlowsStatic({
      files: options.files,
      storageFor: options.storageFor,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.prefectVersion ? { prefectVersion: options.prefectVersion } : {}),
      ...(options.readRepoFile ? { readRepoFile: options.readRepoFile } : {}),
      parseWorker: options.parseWorker,
    });
    if (mode === 'static') result = staticResult;
    else if (mode === 'auto') result = await loadAuto(options, staticResult);
    else {
      const python = await runPython(options, options.files.map((file) => file.path));
      differences = compareLoaders(staticResult, python).filter((d) => d.kind !== 'only-python' || (d.staticErrors ?? []).every((e) => !PYTHON_CAN_RETRY.has(e.code)));
      result = python;
    }
  }
  const filtered = options.names && options.names.length > 0 ? filterByName(result, options.names) : result;
  return { ...filtered, differences };
}

/** Keeps the named flows and reports names that no file defined (`prefect register --name`). */
export function filterByName(result: LoadResult, names: readonly string[]): LoadResult {
  const wanted = new Set(names);
  const flows = result.flows.filter((flow) => wanted.has(flow.name));
  const found = new Set(flows.map((flow) => flow.name));
  // A refused flow with a wanted name is reported by its own error, not as missing.
  const refused = new Set(result.errors.map((error) => error.flow).filter((name) => name !== undefined));
  const missing = names.filter((name) => !found.has(name) && !refused.has(name));
  const errors = result.errors.filter((error) => error.flow === undefined || wanted.has(error.flow));
  for (const name of missing) {
    errors.push({
      code: 'E_FLOW_NOT_FOUND',
      file: '',
      line: 0,
      column: 0,
      flow: name,
      message: `no flow named '${name}' in the given paths`,
      hint: 'Check the name passed to --name against `prefect-git inspect` (flow names, not file names).',
    });
  }
  return { flows, errors };
}

import { readFile } from 'node:fs/promises';
import { isAbsolute, posix, relative } from 'node:path';
import { PrefectGitError } from '../../errors.js';
import { idempotencyKey } from '../../prefect/payload.js';
import { isPyObject } from '../../prefect/py-value.js';
import type { PyObject, PyValue } from '../../prefect/py-value.js';
import { compareCodePoints, parsePyJson } from '../../prefect/pyjson.js';
import type { LoadedFlow, LoadResult } from '../types.js';
import type { GitStorageArgs } from './load.js';

/** A flow read from a flows.json, with the idempotency key of its final form. */
export interface JsonLoadedFlow extends LoadedFlow {
  /** `''` when the storage was kept and names no file (e.g. Module storage). */
  flowPath: string;
  idempotencyKey: string;
}

export interface JsonLoadResult extends LoadResult {
  flows: JsonLoadedFlow[];
}

export interface LoadFlowsFromJsonOptions {
  /** A `flows.json` written by `prefect build` (local path). */
  path?: string | undefined;
  /** Or its text; `path`, when also given, only names it in messages. */
  text?: string | undefined;
  /**
   * When given, each flow's `storage` is replaced, as a whole, by the Git storage prefect-git
   * built: these arguments with Prefect's defaults, `flow_path` from the flow's own storage (see
   * `flowPathOf`), `flow_name` and `flows` = `{name: flow_path}`, and `__version__` = the flow's.
   * When omitted the storage stays as `prefect build` wrote it (as `prefect register --json` does).
   */
  storage?: GitStorageArgs | undefined;
  /** Absolute repository root: turns an absolute Local `path` into a repo-relative `flow_path`. */
  repoRoot?: string | undefined;
  /** `--label`: merged as `run_config.labels = sorted(set(existing or []) | set(labels))`. */
  labels?: string[] | undefined;
  /** Only flows with these names (missing names are the caller's to report, see `filterByName`). */
  names?: string[] | undefined;
}

/**
 * Reads `prefect build`'s `{"version": 1, "flows": [...]}` as `prefect register --json` does
 * (reference §4.2 item 5, §4.3), optionally with prefect-git's Git storage in place of the file's.
 *
 * @returns the flows in file order with their idempotency keys, and one error per flow that
 *   cannot be prepared (no run_config; no way to tell its file for the Git storage).
 * @throws PrefectGitError E_PATH_NOT_FOUND (no such file), E_FLOW_LOAD (not a flows.json, or
 *   not version 1), E_USAGE (neither path nor text).
 */
export async function loadFlowsFromJson(options: LoadFlowsFromJsonOptions): Promise<JsonLoadResult> {
  const label = options.path ?? '<flows.json>';
  let text = options.text;
  if (text === undefined) {
    if (options.path === undefined) throw new PrefectGitError('E_USAGE', 'loadFlowsFromJson needs a path or a text');
    try {
      text = await readFile(options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new PrefectGitError('E_PATH_NOT_FOUND', `Path '${label}' doesn't exist`, {
        hint: 'Pass the flows.json that `prefect build` wrote.',
        details: { file: label },
      });
    }
  }
  const flows = readFlowsJson(text, label);
  const wanted = options.names ? new Set(options.names) : undefined;
  const result: JsonLoadResult = { flows: [], errors: [] };
  for (const flow of flows) {
    const name = flow.name as string;
    if (wanted && !wanted.has(name)) continue;
    const fail = (message: string, hint: string): void => {
      result.errors.push({ code: 'E_FLOW_LOAD', file: label, line: 0, column: 0, flow: name, message, hint });
    };
    const runConfig = flow.run_config;
    if (!isPyObject(runConfig)) {
      fail(`flow '${name}' has no run_config (prefect register --json fails on it too)`, 'Rebuild flows.json with `prefect build`, which always sets one.');
      continue;
    }
    const existing = Array.isArray(runConfig.labels) ? runConfig.labels : [];
    const labels = new Set<PyValue>([...existing, ...(options.labels ?? [])]);
    runConfig.labels = [...labels].sort(comparePy);
    let flowPath = flowPathOf(flow.storage, options.repoRoot);
    if (options.storage !== undefined) {
      if (flowPath === undefined) {
        fail(
          `cannot tell which file defines flow '${name}': its storage is neither Git nor a Local script inside the repository`,
          'Build flows.json from the repository root with `prefect build -p <file>`, or use --loader python.',
        );
        continue;
      }
      flow.storage = gitStorage(options.storage, name, flowPath, flow.__version__);
    }
    flowPath ??= '';
    result.flows.push({ name, flowPath, loader: 'python', serialized: flow, idempotencyKey: idempotencyKey(flow) });
  }
  return result;
}

function readFlowsJson(text: string, label: string): PyObject[] {
  const invalid = (cause?: unknown): PrefectGitError =>
    new PrefectGitError('E_FLOW_LOAD', `'${label}' is not a valid Prefect flows \`json\` file.`, {
      hint: 'Pass the flows.json that `prefect build` wrote: {"version": 1, "flows": [...]}.',
      details: { file: label },
      cause,
    });
  let data: PyValue;
  try {
    data = parsePyJson(text);
  } catch (error) {
    throw invalid(error);
  }
  if (!isPyObject(data) || typeof data.version !== 'number' || !Number.isInteger(data.version) || !Array.isArray(data.flows)) {
    throw invalid();
  }
  const flows: PyObject[] = [];
  for (const flow of data.flows) {
    if (!isPyObject(flow) || typeof flow.name !== 'string') throw invalid();
    flows.push(flow);
  }
  if (data.version !== 1) {
    throw new PrefectGitError('E_FLOW_LOAD', `'${label}' is version ${data.version}, only version 1 is supported`, {
      hint: 'Rebuild it with Prefect 1.x `prefect build`.',
      details: { file: label },
    });
  }
  return flows;
}

/**
 * The repo-relative file of a flow from its serialized storage: Git's `flow_path`, or a Local
 * script's `path` (relative paths are taken as relative to the repository root, which is where
 * `prefect build -p` is expected to have run).
 */
export function flowPathOf(storage: PyValue | undefined, repoRoot: string | undefined): string | undefined {
  if (!isPyObject(storage)) return undefined;
  if (storage.type === 'Git' && typeof storage.flow_path === 'string') return toRepoPath(storage.flow_path, repoRoot);
  if (storage.type === 'Local' && storage.stored_as_script === true && typeof storage.path === 'string') {
    return toRepoPath(storage.path, repoRoot);
  }
  return undefined;
}

function toRepoPath(path: string, repoRoot: string | undefined): string | undefined {
  let rel = path;
  if (isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path)) {
    if (repoRoot === undefined) return undefined;
    rel = relative(repoRoot, path);
  }
  rel = posix.normalize(rel.replaceAll('\\', '/'));
  if (rel === '.' || rel.startsWith('../') || posix.isAbsolute(rel)) return undefined;
  return rel;
}

/** Prefect 1.4.1's serialized `Git(flow_path, flow_name=name, **args)` after `add_flow`. */
function gitStorage(args: GitStorageArgs, name: string, flowPath: string, version: PyValue | undefined): PyObject {
  return {
    flows: { [name]: flowPath },
    secrets: [...args.secrets],
    flow_path: flowPath,
    repo: args.repo,
    repo_host: args.repo_host,
    flow_name: name,
    git_token_secret_name: args.git_token_secret_name,
    // Git.__init__: `git_token_username if git_token_username else repo.split("/")[0]` (when repo).
    git_token_username: args.git_token_username || (args.repo ? (args.repo.split('/')[0] ?? null) : args.git_token_username),
    git_clone_url_secret_name: args.git_clone_url_secret_name,
    branch_name: args.branch_name,
    tag: args.tag,
    commit: args.commit,
    clone_depth: args.clone_depth,
    use_ssh: args.use_ssh,
    format_access_token: args.format_access_token,
    __version__: typeof version === 'string' ? version : '1.4.1',
    type: 'Git',
  };
}


/** Python's `sorted()` for the label values a flows.json holds (strings, by code point). */
function comparePy(a: PyValue, b: PyValue): number {
  return typeof a === 'string' && typeof b === 'string' ? compareCodePoints(a, b) : 0;
}

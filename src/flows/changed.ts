/**
 * Which flow files to take again after some files of the repository changed (`--changed-since`,
 * `register --watch`): a flow file is taken when it changed itself, or when a file its imports
 * may resolve to changed. "May resolve to" is every path the static loader asked for, present
 * or not: a new `helpers.py` next to a flow shadows the root's `helpers.py` just as an edit of
 * it changes the flow.
 */
import type { GitStorage } from '../storage/types.js';
import { loadFlowsStatic } from './static/index.js';
import type { FlowFile, FlowLoadError, LoadedFlow } from './types.js';

/** Reads a repository file for the static loader's imports (undefined when it is not there). */
export type RepoFileReader = (path: string) => Promise<Buffer | undefined>;

/**
 * Wraps `read` so that each path is read once (later askers share the first read) and every
 * path asked for is remembered in `asked`, found or not.
 */
export function recordingReader(read: RepoFileReader): { read: RepoFileReader; asked: Set<string> } {
  const asked = new Set<string>();
  const cache = new Map<string, Promise<Buffer | undefined>>();
  return {
    asked,
    read: (path) => {
      asked.add(path);
      let hit = cache.get(path);
      if (hit === undefined) {
        hit = read(path);
        cache.set(path, hit);
      }
      return hit;
    },
  };
}

/** Input of {@link flowFileDependencies}. */
export interface DependencyOptions {
  files: readonly FlowFile[];
  readRepoFile: RepoFileReader;
  storageFor: (flow: { name: string; flowPath: string }) => GitStorage;
}

/**
 * The repository paths each flow file's imports asked for (transitively), by flow file.
 * Each file is read alone, with a fresh static loader: in one shared load a module is read once,
 * for the first file importing it, so later importers could not be told apart. A file the static
 * loader cannot parse depends on itself only. Never throws for bad input.
 */
export async function flowFileDependencies(options: DependencyOptions): Promise<Map<string, Set<string>>> {
  const shared = recordingReader(options.readRepoFile);
  const out = new Map<string, Set<string>>();
  for (const file of options.files) {
    const asked = new Set<string>();
    await loadFlowsStatic({
      files: [file],
      storageFor: options.storageFor,
      readRepoFile: (path) => {
        asked.add(path);
        return shared.read(path);
      },
    });
    asked.delete(file.path);
    out.set(file.path, asked);
  }
  return out;
}

/**
 * The flow files to take: those in `changed`, and those with a dependency in `changed`.
 * Files without an entry in `dependencies` count as depending on themselves only. Pure.
 */
export function selectChangedFiles(files: readonly string[], changed: ReadonlySet<string>, dependencies: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const selected = new Set<string>();
  for (const file of files) {
    if (changed.has(file)) selected.add(file);
    else for (const dependency of dependencies.get(file) ?? []) {
      if (changed.has(dependency)) {
        selected.add(file);
        break;
      }
    }
  }
  return selected;
}

/** What {@link keepFlowFiles} left out. */
export interface LeftOut {
  flows: number;
  errors: number;
}

/**
 * Keeps the flows and errors of the files in `keep`; errors tied to no file (a `--name` that
 * matched nothing) stay. Pure.
 */
export function keepFlowFiles<T extends { flows: LoadedFlow[]; errors: FlowLoadError[] }>(loaded: T, keep: ReadonlySet<string>): { kept: T; leftOut: LeftOut } {
  const flows = loaded.flows.filter((flow) => keep.has(flow.flowPath));
  const errors = loaded.errors.filter((error) => error.file === '' || keep.has(error.file));
  return { kept: { ...loaded, flows, errors }, leftOut: { flows: loaded.flows.length - flows.length, errors: loaded.errors.length - errors.length } };
}

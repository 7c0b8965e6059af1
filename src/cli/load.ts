import type { FlowsLoaded } from '../flows/load-flows.js';
import { loadFlows, prepareStaticParsing } from '../flows/load-flows.js';
import { loadFlowsFromJson } from '../flows/python/from-json.js';
import { applyImage, expandImage } from '../flows/image.js';
import { recordingReader } from '../flows/changed.js';
import type { FlowFile, FlowLoadError } from '../flows/types.js';
import type { ChangedSince } from './changed-since.js';
import { changedPaths, selectChanged } from './changed-since.js';
import type { Output } from './output.js';
import type { Workspace } from './workspace.js';
import { pythonLoaderFor, readFlowFiles, repoFileReader, warnUncommitted } from './workspace.js';

/** The flags that choose how flows are read (shared by inspect and register). */
export interface LoadFlags {
  name?: string[];
  worktree?: boolean;
  fromJson?: string[];
  /** `--changed-since REF`: only flows whose file or imported modules changed since REF. */
  changedSince?: string;
}

/** What loading needs from the command. */
export interface LoadContext {
  env: Record<string, string | undefined>;
  output: Output;
  debug?: boolean | undefined;
  /**
   * `register --watch`: read these files (from the working tree) instead of discovering them,
   * and name no uncommitted changes: reading them is the point.
   */
  files?: readonly FlowFile[] | undefined;
}

/** The flows read, how many files they came from and, with `--changed-since`, what was left out. */
export interface WorkspaceFlows extends FlowsLoaded {
  fileCount: number;
  changed?: ChangedSince | undefined;
}

/**
 * Reads the workspace's flows the way the settings say: files at the ref's commit (or the
 * working tree), with the static, python, auto or both loaders, or `prefect build` JSON files.
 * With `changedSince`, everything is read (so the counts are exact and the shared module state
 * is as in a full run) and then only the flows of changed files are kept.
 */
export async function loadWorkspaceFlows(workspace: Workspace, flags: LoadFlags, context: LoadContext): Promise<WorkspaceFlows> {
  const values = workspace.settings.values;
  // Resolved first: a mistyped REF fails before a long load.
  const changed = flags.changedSince === undefined ? undefined : await changedPaths(workspace, flags.changedSince, flags.worktree === true);
  const reader = recordingReader(repoFileReader(workspace, { worktree: flags.worktree }));
  const fromJson = flags.fromJson !== undefined && flags.fromJson.length > 0;
  const { loaded, files } = fromJson ? { loaded: await loadFromJson(workspace, flags), files: [] } : await loadFromFiles(workspace, flags, context, reader.read);
  let result: WorkspaceFlows = loaded;
  if (values.image !== undefined) {
    const imaged = applyImage(loaded.flows, expandImage(values.image, workspace.resolution.ref));
    result = { ...loaded, flows: imaged.flows, errors: [...loaded.errors, ...imaged.errors] };
  }
  if (changed === undefined) return result;
  context.output.progress(`finding the flows changed since ${changed.since}`);
  return selectChanged(workspace, result, { changed, files, reader, fromJson });
}

async function loadFromFiles(
  workspace: Workspace,
  flags: LoadFlags,
  context: LoadContext,
  readRepoFile: (file: string) => Promise<Buffer | undefined>,
): Promise<{ loaded: WorkspaceFlows; files: FlowFile[] }> {
  const values = workspace.settings.values;
  const loader = values.loader ?? 'auto';
  let parseWorker: ReturnType<typeof prepareStaticParsing>;
  let uncommitted: Promise<void> | undefined;
  // Once the paths are known, the parse worker's start-up and git status overlap reading the files.
  const listed = (paths: readonly string[]): void => {
    parseWorker = prepareStaticParsing(paths.length, loader);
    if (loader !== 'python') context.output.debug(`static loader: parsing ${parseWorker ? 'on a worker thread' : 'in the main thread'}`);
    if (context.files !== undefined) return;
    uncommitted = warnUncommitted(context.output, workspace, paths, flags.worktree);
    // Awaited below; if reading the files fails first, that error is the one reported.
    uncommitted.catch(() => undefined);
  };
  try {
    let files: FlowFile[];
    if (context.files !== undefined) {
      files = [...context.files];
      listed(files.map((file) => file.path));
    } else {
      files = await readFlowFiles(workspace, { worktree: flags.worktree, listed });
    }
    await uncommitted;
    const where = flags.worktree ? 'the working tree' : `${workspace.resolution.ref.type} ${workspace.resolution.ref.name}`;
    context.output.debug(`reading ${files.length} file(s) at ${where}`);
    context.output.progress(`reading ${files.length} flow file${files.length === 1 ? '' : 's'} from ${where}`);
    const { python, cleanup } = pythonLoaderFor(workspace, { worktree: flags.worktree, env: context.env, debug: context.debug, output: context.output });
    try {
      const loaded = await loadFlows({
        files,
        storageFor: workspace.storageFor,
        labels: values.labels,
        prefectVersion: values.prefect_version,
        readRepoFile,
        names: flags.name,
        loader,
        python,
        parseWorker,
      });
      if (parseWorker) {
        const stopped = parseWorker.stoppedBecause === undefined ? '' : `; the worker stopped (${parseWorker.stoppedBecause}), the main thread parsed the rest`;
        context.output.debug(`static loader: ${parseWorker.parsedCount} file(s) parsed on the worker thread${stopped}`);
      }
      return { loaded: { ...loaded, errors: [...loaded.errors, ...loaded.differences.map(differenceError)], fileCount: files.length }, files };
    } finally {
      await cleanup();
    }
  } finally {
    await parseWorker?.close();
  }
}

/** `--loader both`: a disagreement is a bug in the static loader, reported like an error. */
function differenceError(difference: FlowsLoaded['differences'][number]): FlowLoadError {
  const where = difference.path ? ` at ${difference.path}` : '';
  return {
    code: 'E_INTERNAL',
    file: difference.flowPath,
    line: 0,
    column: 0,
    flow: difference.name,
    message: `static and python loaders differ (${difference.kind})${where}`,
    hint: 'This is a bug in the static loader: please report it with the flow file. The python result was used.',
  };
}

async function loadFromJson(workspace: Workspace, flags: LoadFlags): Promise<WorkspaceFlows> {
  const values = workspace.settings.values;
  const { secrets: _secrets, __version__: _version, type: _type, ...storage } = workspace.storageSummary;
  const result: FlowsLoaded = { flows: [], errors: [], differences: [] };
  for (const file of flags.fromJson ?? []) {
    const loaded = await loadFlowsFromJson({
      path: file,
      storage: { ...storage, secrets: [] },
      repoRoot: workspace.repoRoot,
      labels: values.labels,
      names: flags.name,
    });
    result.flows.push(...loaded.flows);
    result.errors.push(...loaded.errors);
  }
  return { ...result, fileCount: flags.fromJson?.length ?? 0 };
}

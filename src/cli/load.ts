import type { FlowsLoaded } from '../flows/load-flows.js';
import { loadFlows } from '../flows/load-flows.js';
import { loadFlowsFromJson } from '../flows/python/from-json.js';
import { applyImage, expandImage } from '../flows/image.js';
import type { FlowLoadError } from '../flows/types.js';
import type { Output } from './output.js';
import type { Workspace } from './workspace.js';
import { pythonLoaderFor, readFlowFiles, repoFileReader, warnUncommitted } from './workspace.js';

/** The flags that choose how flows are read (shared by inspect and register). */
export interface LoadFlags {
  name?: string[];
  worktree?: boolean;
  fromJson?: string[];
}

/**
 * Reads the workspace's flows the way the settings say: files at the ref's commit (or the
 * working tree), with the static, python, auto or both loaders, or `prefect build` JSON files.
 */
export async function loadWorkspaceFlows(
  workspace: Workspace,
  flags: LoadFlags,
  context: { env: Record<string, string | undefined>; output: Output; debug?: boolean | undefined },
): Promise<FlowsLoaded & { fileCount: number }> {
  const values = workspace.settings.values;
  const loaded = flags.fromJson && flags.fromJson.length > 0 ? await loadFromJson(workspace, flags) : await loadFromFiles(workspace, flags, context);
  if (values.image === undefined) return loaded;
  const imaged = applyImage(loaded.flows, expandImage(values.image, workspace.resolution.ref));
  return { ...loaded, flows: imaged.flows, errors: [...loaded.errors, ...imaged.errors] };
}

async function loadFromFiles(
  workspace: Workspace,
  flags: LoadFlags,
  context: { env: Record<string, string | undefined>; output: Output; debug?: boolean | undefined },
): Promise<FlowsLoaded & { fileCount: number }> {
  const values = workspace.settings.values;
  const files = await readFlowFiles(workspace, { worktree: flags.worktree });
  await warnUncommitted(context.output, workspace, files, flags.worktree);
  context.output.debug(`reading ${files.length} file(s) at ${workspace.resolution.ref.type} ${workspace.resolution.ref.name}`);
  const { python, cleanup } = pythonLoaderFor(workspace, { worktree: flags.worktree, env: context.env, debug: context.debug, output: context.output });
  try {
    const loaded = await loadFlows({
      files,
      storageFor: workspace.storageFor,
      labels: values.labels,
      prefectVersion: values.prefect_version,
      readRepoFile: repoFileReader(workspace, { worktree: flags.worktree }),
      names: flags.name,
      loader: (values.loader ?? 'auto'),
      python,
    });
    return { ...loaded, errors: [...loaded.errors, ...loaded.differences.map(differenceError)], fileCount: files.length };
  } finally {
    await cleanup();
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

async function loadFromJson(workspace: Workspace, flags: LoadFlags): Promise<FlowsLoaded & { fileCount: number }> {
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

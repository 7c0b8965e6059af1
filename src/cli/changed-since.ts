/**
 * `--changed-since REF` of `inspect` and `register`: the files that differ between REF and what
 * is read (the ref's commit, or the working tree with `--worktree`), and the flows kept for them.
 */
import { PrefectGitError } from '../errors.js';
import type { LeftOut, RepoFileReader } from '../flows/changed.js';
import { flowFileDependencies, keepFlowFiles, selectChangedFiles } from '../flows/changed.js';
import type { FlowFile } from '../flows/types.js';
import { assertRevision } from '../git/ref-name.js';
import type { WorkspaceFlows } from './load.js';
import type { Workspace } from './workspace.js';

/** What `--changed-since` did, for output and JSON. */
export interface ChangedSince {
  /** REF as given. */
  since: string;
  /** The commit REF names. */
  commit: string;
  /** Repo-relative paths that changed (flow files or not). */
  paths: string[];
  /** Flow files kept. */
  files: string[];
  leftOut: LeftOut;
}

/** The changed paths between REF and what is read. */
export interface ChangedPaths {
  since: string;
  commit: string;
  paths: Set<string>;
}

/**
 * Resolves REF and lists what changed since.
 * @throws PrefectGitError E_REF_NAME for a REF git would misread, E_GIT when REF names no commit.
 */
export async function changedPaths(workspace: Workspace, since: string, worktree: boolean): Promise<ChangedPaths> {
  assertRevision(since, '--changed-since');
  const commit = await workspace.repo.resolveCommit(since);
  if (commit === undefined) {
    const shallow = await workspace.repo.isShallow().catch(() => false);
    throw new PrefectGitError('E_GIT', `--changed-since ${since}: no such commit in this repository`, {
      hint: shallow
        ? `this is a shallow clone: fetch REF and enough history (git fetch --deepen=50 origin, or fetch-depth: 0 in actions/checkout)`
        : `give a branch, tag or sha that exists here (git fetch origin first if it only exists on the remote)`,
    });
  }
  const paths = await workspace.repo.changedFiles(commit, worktree ? undefined : workspace.resolution.ref.commit);
  return { since, commit, paths: new Set(paths) };
}

/**
 * Keeps the flows of the files that changed, or whose imports did. Dependencies are worked out
 * only when a file some import asked for changed (otherwise the flow files alone decide), and
 * never for the python loader, whose imports are not seen: there a flow file depends on itself.
 */
export async function selectChanged(
  workspace: Workspace,
  loaded: WorkspaceFlows,
  input: { changed: ChangedPaths; files: readonly FlowFile[]; reader: { read: RepoFileReader; asked: ReadonlySet<string> }; fromJson: boolean },
): Promise<WorkspaceFlows> {
  const { changed, files, reader } = input;
  const flowFiles = input.fromJson
    ? [...new Set([...loaded.flows.map((flow) => flow.flowPath), ...loaded.errors.map((error) => error.file)])]
    : files.map((file) => file.path);
  let dependencies = new Map<string, Set<string>>();
  const importsChanged = [...reader.asked].some((path) => changed.paths.has(path));
  if (!input.fromJson && importsChanged && workspace.settings.values.loader !== 'python') {
    const direct = selectChangedFiles(flowFiles, changed.paths, dependencies);
    dependencies = await flowFileDependencies({ files: files.filter((file) => !direct.has(file.path)), readRepoFile: reader.read, storageFor: workspace.storageFor });
  }
  const keep = selectChangedFiles(flowFiles, changed.paths, dependencies);
  const { kept, leftOut } = keepFlowFiles(loaded, keep);
  return {
    ...kept,
    changed: { since: changed.since, commit: changed.commit, paths: [...changed.paths].sort(), files: [...keep].sort(), leftOut },
  };
}

/** One line for the output: what REF resolved to and what was left out. */
export function describeChangedSince(changed: ChangedSince): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const errors = changed.leftOut.errors > 0 ? ` and ${plural(changed.leftOut.errors, 'loading error')}` : '';
  return `changed since ${changed.since} (${changed.commit.slice(0, 7)}): ${plural(changed.paths.length, 'file')} changed, ${plural(changed.files.length, 'flow file')} taken; ${plural(changed.leftOut.flows, 'unchanged flow')}${errors} left out`;
}

/** The `changed_since` member of the commands' JSON documents. */
export function changedSinceJson(changed: ChangedSince): Record<string, unknown> {
  return {
    ref: changed.since,
    commit: changed.commit,
    changed_files: changed.paths,
    flow_files: changed.files,
    flows_left_out: changed.leftOut.flows,
    errors_left_out: changed.leftOut.errors,
  };
}

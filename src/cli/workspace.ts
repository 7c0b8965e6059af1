import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Settings } from '../config/schema.js';
import type { LoadedSettings } from '../config/load-settings.js';
import { loadSettings } from '../config/load-settings.js';
import { PrefectGitError } from '../errors.js';
import { discoverFlowFiles, selectFlowFilesInTree } from '../flows/discover.js';
import type { FlowFile } from '../flows/types.js';
import type { PythonLoaderOptions } from '../flows/load-flows.js';
import type { Output } from './output.js';
import type { GitRepo } from '../git/repo.js';
import { openRepo } from '../git/repo.js';
import { resolveRef } from '../git/ref.js';
import { parseRemoteUrl } from '../git/remote.js';
import type { RefResolution, RemoteInfo } from '../git/types.js';
import { buildGitStorage } from '../storage/git-storage.js';
import type { GitStorage } from '../storage/types.js';

/** The flags every flow command shares (commander's camelCase names). */
export interface StorageFlags {
  tag?: string;
  branch?: string;
  remote?: string;
  repoHost?: string;
  repo?: string;
  tokenSecret?: string;
  tokenUsername?: string;
  useSsh?: boolean;
  label?: string[];
  prefectVersion?: string;
  worktree?: boolean;
  image?: string;
  loader?: 'auto' | 'static' | 'python' | 'both';
  python?: string;
  pythonTimeout?: string;
}

/** Everything a flow command knows once the repository, settings and ref are read. */
export interface Workspace {
  repo: GitRepo;
  repoRoot: string;
  cwd: string;
  settings: LoadedSettings;
  resolution: RefResolution;
  remote: RemoteInfo | undefined;
  /** The storage descriptor of a flow, built the same way for every loader. */
  storageFor: (flow: { name: string; flowPath: string }) => GitStorage;
  /** The storage fields shared by every flow (for JSON output). */
  storageSummary: Omit<GitStorage, 'flows' | 'flow_path' | 'flow_name'>;
}

/** Turns commander's flags into settings keys (flags win over env and config file). */
export function flagsToSettings(flags: StorageFlags & { paths?: string[] }, extra: Settings = {}): Settings {
  const settings: Settings = { ...extra };
  if (flags.remote !== undefined) settings.remote = flags.remote;
  if (flags.repoHost !== undefined) settings.repo_host = flags.repoHost;
  if (flags.repo !== undefined) settings.repo = flags.repo;
  if (flags.tokenSecret !== undefined) settings.token_secret = flags.tokenSecret;
  if (flags.tokenUsername !== undefined) settings.token_username = flags.tokenUsername;
  if (flags.useSsh !== undefined) settings.use_ssh = flags.useSsh;
  if (flags.label !== undefined && flags.label.length > 0) settings.labels = flags.label;
  if (flags.prefectVersion !== undefined) settings.prefect_version = flags.prefectVersion;
  if (flags.loader !== undefined) settings.loader = flags.loader;
  if (flags.image !== undefined) settings.image = flags.image;
  if (flags.python !== undefined) settings.python = flags.python;
  if (flags.pythonTimeout !== undefined) settings.python_timeout = Number(flags.pythonTimeout);
  if (flags.paths !== undefined && flags.paths.length > 0) settings.paths = flags.paths;
  return settings;
}

/**
 * Opens the repository, reads settings, resolves the ref and the remote: the shared first half
 * of `inspect` and `register`.
 */
export async function openWorkspace(options: {
  cwd: string;
  env: Record<string, string | undefined>;
  flags: StorageFlags;
  settingsFlags: Settings;
}): Promise<Workspace> {
  const repo = await openRepo(options.cwd);
  const repoRoot = repo.root();
  const settings = await loadSettings({ cwd: options.cwd, stopAt: repoRoot, env: options.env, flags: options.settingsFlags });
  const values = settings.values;
  const remoteName = values.remote ?? 'origin';
  const resolution = await resolveRef({
    repo,
    env: options.env,
    remote: remoteName,
    ...(options.flags.tag !== undefined ? { tag: options.flags.tag } : {}),
    ...(options.flags.branch !== undefined ? { branch: options.flags.branch } : {}),
  });
  let remote: RemoteInfo | undefined;
  if (values.repo_host === undefined || values.repo === undefined) {
    const url = await repo.remoteUrl(remoteName);
    if (url === undefined) {
      throw new PrefectGitError('E_NO_REMOTE', `no remote '${remoteName}' to take the repository address from`, {
        hint: 'Add the remote flow runs clone from (git remote add origin URL), or pass --repo-host and --repo.',
      });
    }
    remote = parseRemoteUrl(url);
  }
  const base = {
    ...(remote ? { remote } : {}),
    ...(values.repo_host !== undefined ? { repoHost: values.repo_host } : {}),
    ...(values.repo !== undefined ? { repo: values.repo } : {}),
    ref: { type: resolution.ref.type, name: resolution.ref.name },
    tokenSecret: values.token_secret ?? null,
    tokenUsername: values.token_username ?? null,
    useSsh: values.use_ssh ?? false,
    prefectVersion: values.prefect_version ?? '1.4.1',
  };
  const storageFor = (flow: { name: string; flowPath: string }): GitStorage =>
    buildGitStorage({ ...base, flowPath: flow.flowPath, flowName: flow.name });
  const sample = storageFor({ name: '<flow>', flowPath: '<flow_path>' });
  const { flows: _flows, flow_path: _path, flow_name: _name, ...storageSummary } = sample;
  return { repo, repoRoot, cwd: options.cwd, settings, resolution, remote, storageFor, storageSummary };
}

/**
 * The `.py` files under the given paths (or the configured ones), with their bytes: by default
 * as committed at the ref's commit (what flow runs clone), with `worktree` from the working tree.
 * `listed` hears the paths as soon as they are known, before their contents are read.
 */
export async function readFlowFiles(
  workspace: Workspace,
  options: { worktree?: boolean | undefined; listed?: ((paths: readonly string[]) => void) | undefined } = {},
): Promise<FlowFile[]> {
  const paths = workspace.settings.values.paths;
  if (options.worktree) {
    const files = await discoverFlowFiles({ repoRoot: workspace.repoRoot, cwd: workspace.cwd, paths });
    options.listed?.(files);
    return Promise.all(files.map(async (file) => ({ path: file, content: await readFile(path.join(workspace.repoRoot, file)) })));
  }
  const { commit, name } = workspace.resolution.ref;
  const treeFiles = await workspace.repo.listFiles(commit, []);
  const files = selectFlowFilesInTree({ treeFiles, repoRoot: workspace.repoRoot, cwd: workspace.cwd, paths, commitLabel: `${name} (${commit.slice(0, 7)})` });
  options.listed?.(files);
  const contents = await workspace.repo.readFiles(commit, files);
  return files.flatMap((file) => {
    const content = contents.get(file);
    return content === undefined ? [] : [{ path: file, content }];
  });
}

/** Flow files whose working-tree copy differs from what is read (named, never read). */
export async function uncommittedFlowFiles(workspace: Workspace, files: readonly string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const status = await workspace.repo.statusPorcelain(files);
  return status.map((entry) => entry.path).filter((file) => files.includes(file));
}

/**
 * Reads other files of the repository for the static loader's imports, from the same source as
 * the flow files (the ref's commit, or the working tree). Missing files give undefined.
 */
export function repoFileReader(workspace: Workspace, options: { worktree?: boolean | undefined } = {}): (file: string) => Promise<Buffer | undefined> {
  if (options.worktree) return (file) => readFile(path.join(workspace.repoRoot, file)).catch(() => undefined);
  const commit = workspace.resolution.ref.commit;
  // The static loader asks for every file an import could come from (prefect.py,
  // prefect/__init__.py, ... in each flow folder), and nearly none exist: one ls-tree answers
  // those, instead of one git process each (~600 for 1,000 flow files, most of inspect's time).
  let tree: Promise<Set<string>> | undefined;
  return async (file) => {
    tree ??= workspace.repo.listFiles(commit, []).then((files) => new Set(files));
    if (!(await tree).has(file)) return undefined;
    return (await workspace.repo.readFiles(commit, [file])).get(file);
  };
}

/** Names flow files with uncommitted changes: they are not what is read (nor what runs clone). */
export async function warnUncommitted(output: Output, workspace: Workspace, files: readonly string[], worktree: boolean | undefined): Promise<void> {
  const dirty = await uncommittedFlowFiles(workspace, files);
  if (dirty.length === 0) return;
  const what = worktree ? 'read from the working tree, but flow runs clone the commit' : `not read: ${workspace.resolution.ref.name} is read as committed`;
  output.warn(`uncommitted changes in ${dirty.join(', ')} (${what})`);
}

/**
 * The python loader's settings for this workspace. Reading at a commit needs that commit's files
 * on disk: they are exported to a temporary folder the first time the python loader runs, and
 * `cleanup` removes it.
 */
export function pythonLoaderFor(
  workspace: Workspace,
  options: { worktree?: boolean | undefined; env: Record<string, string | undefined>; debug?: boolean | undefined; output: Output },
): { python: PythonLoaderOptions; cleanup: () => Promise<void> } {
  let exported: Promise<string> | undefined;
  const values = workspace.settings.values;
  const { secrets: _secrets, __version__: _version, type: _type, ...storage } = workspace.storageSummary;
  const python: PythonLoaderOptions = {
    root: () => {
      if (options.worktree) return Promise.resolve(workspace.repoRoot);
      exported ??= (async () => {
        const dir = await mkdtemp(path.join(tmpdir(), 'prefect-git-python-'));
        await workspace.repo.exportTree(workspace.resolution.ref.commit, dir);
        return dir;
      })();
      return exported;
    },
    python: values.python,
    env: options.env,
    cwd: workspace.cwd,
    timeoutMs: (values.python_timeout ?? 120) * 1000,
    storage: { ...storage, secrets: [] },
    debug: options.debug,
    onOutput: (text) => options.output.debug(`python: ${text.trimEnd()}`),
  };
  const cleanup = async (): Promise<void> => {
    if (!exported) return;
    const dir = await exported.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  return { python, cleanup };
}

/**
 * The GitRepo contract: the repository facts prefect-git reads. repo.ts implements it over
 * simple-git (and re-exports these types); unit tests stand in for it with stubs.
 */
import type { RemoteRefs } from './ls-remote.js';

/** One `git status --porcelain` entry: `xy` is the two-letter status (`??` untracked, `!!` ignored). */
export interface StatusEntry {
  path: string;
  xy: string;
}

/** Local tag kind, from `git cat-file -t refs/tags/<name>`. */
export type TagKind = 'annotated' | 'lightweight';

/** The repository facts prefect-git reads. Every method caches its answer. */
export interface GitRepo {
  /** Absolute path of the work tree root (as git reports it). */
  root(): string;
  /** HEAD's commit (40 or 64 hex), or `undefined` when there are no commits yet. */
  head(): Promise<string | undefined>;
  /** The checked-out branch (short name), or `undefined` when HEAD is detached. */
  currentBranch(): Promise<string | undefined>;
  /** The commit `rev` names (`rev^{commit}`), or `undefined`. Throws E_REF_NAME for `-…`. */
  resolveCommit(rev: string): Promise<string | undefined>;
  /** Whether local tag `name` is annotated or lightweight, or `undefined` when absent. */
  tagKind(name: string): Promise<TagKind | undefined>;
  /** The commit local tag `name` points at (peeled), or `undefined` when absent. */
  tagCommit(name: string): Promise<string | undefined>;
  /** Names of the configured remotes. */
  remotes(): Promise<string[]>;
  /** The fetch URL of remote `name` (may hold credentials: parse it, never print it). */
  remoteUrl(name: string): Promise<string | undefined>;
  /** Branches and tags on the remote (`git ls-remote --heads --tags`). Throws E_NO_REMOTE / E_GIT. */
  lsRemote(remote: string): Promise<RemoteRefs>;
  /** The remote's default branch (refs/remotes/<remote>/HEAD, else `ls-remote --symref`), or `undefined`. */
  remoteDefaultBranch(remote: string): Promise<string | undefined>;
  /** Status of repo-relative `paths` against HEAD, untracked and ignored files included. */
  statusPorcelain(paths: readonly string[]): Promise<StatusEntry[]>;
  /** Contents of repo-relative `path` at `commit`, or `undefined` when it is not there. */
  show(commit: string, path: string): Promise<Buffer | undefined>;
  /** True in a shallow clone. */
  isShallow(): Promise<boolean>;
  /** Repo-relative paths of the files under `paths` (all if empty) in `commit`'s tree, sorted. */
  listFiles(commit: string, paths: readonly string[]): Promise<string[]>;
  /** The contents of many files at `commit` in one git process; absent files are left out. */
  readFiles(commit: string, paths: readonly string[]): Promise<Map<string, Buffer>>;
  /** Writes `commit`'s whole tree into the existing folder `dir` (no change to the repository). */
  exportTree(commit: string, dir: string): Promise<void>;
  /**
   * Repo-relative paths that differ between commits `since` and `until` (`git diff --name-only`),
   * or between `since` and the working tree, untracked files included, when `until` is
   * undefined. A rename counts as both of its paths. Sorted, not cached (the working tree moves).
   * Throws E_REF_NAME for `-…`, E_GIT when git fails (e.g. `since` is not a commit).
   */
  changedFiles(since: string, until: string | undefined): Promise<string[]>;
  /**
   * Fetches branches and tags from `remote` in one `git fetch --no-tags` (depth 1 in a shallow
   * clone), so the commits `lsRemote` reported can be read. Writes no local branch or tag.
   * Throws E_REF_NAME / E_NO_REMOTE / E_GIT.
   */
  fetchRefs(remote: string, refs: ReadonlyArray<{ type: 'branch' | 'tag'; name: string }>): Promise<void>;
}

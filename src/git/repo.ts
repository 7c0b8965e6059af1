/**
 * The only door to git: a small `GitRepo` over simple-git. Every fact is read with one git call
 * and cached for the life of the object, so open a new repo after changing the repository.
 * Names from users reach git only after validation (ref-name.ts) or after `--`; anything starting
 * with `-` is refused before a process is spawned. simple-git v4 drops ambient GIT_* variables
 * from the child environment, so GIT_DIR and friends cannot redirect these calls.
 */
import { existsSync } from 'node:fs';
import { GitError, simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { PrefectGitError } from '../errors.js';
import { assertRefName } from './ref-name.js';
import { redactUrlCredentials } from './remote.js';
import { exportTree, readBlobs } from './blobs.js';
import type { RemoteRefs } from './ls-remote.js';
import { parseLsRemote } from './ls-remote.js';

export { parseLsRemote } from './ls-remote.js';
export type { RemoteRefs, RemoteTag } from './ls-remote.js';

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

/** Options for {@link openRepo}. */
export interface OpenRepoOptions {
  /** Kill a git process that prints nothing for this long (ls-remote on a dead host). Default 60 s. */
  timeoutMs?: number;
}

/**
 * A git process that exited non-zero; `stderr` is kept for messages (redacted before use).
 * Extends simple-git's GitError because simple-git re-wraps any other error class.
 */
class GitExit extends GitError {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(undefined, stderr.trim() || `git exited with code ${exitCode}`);
  }
}

/** The first line of git's complaint, with URL credentials masked. */
function gitMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'git failed';
  return redactUrlCredentials(line.trim());
}

function refuseOption(value: string, what: string): void {
  if (value.startsWith('-')) {
    throw new PrefectGitError('E_REF_NAME', `invalid ${what} ${JSON.stringify(value)}: it starts with "-"`, {
      hint: `git would read it as an option; use a ${what} that does not start with "-"`,
    });
  }
}

class SimpleGitRepo implements GitRepo {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly git: SimpleGit,
    private readonly rootDir: string,
  ) {}

  /** One git call per fact: later callers share the first call's promise. */
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** Runs git; resolves `undefined` instead of rejecting when git exits non-zero. */
  private async tryRaw(args: string[]): Promise<string | undefined> {
    try {
      return await this.git.raw(args);
    } catch (error) {
      if (error instanceof GitExit) return undefined;
      throw error;
    }
  }

  /** Runs git where failure is unexpected; a non-zero exit becomes E_GIT (redacted). */
  private async run(args: string[]): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (error) {
      if (!(error instanceof GitExit)) throw error;
      throw new PrefectGitError('E_GIT', `git ${args[0] ?? ''} failed: ${gitMessage(error)}`, {
        hint: `run git ${args[0] ?? ''} in ${this.rootDir} to see the whole error`,
      });
    }
  }

  root(): string {
    return this.rootDir;
  }

  head(): Promise<string | undefined> {
    return this.resolveCommit('HEAD');
  }

  currentBranch(): Promise<string | undefined> {
    return this.once('branch', async () => {
      // Not --short: it may print heads/x when a tag has the same name.
      const out = (await this.tryRaw(['symbolic-ref', '-q', 'HEAD']))?.trim();
      return out?.startsWith('refs/heads/') ? out.slice(11) : undefined;
    });
  }

  async resolveCommit(rev: string): Promise<string | undefined> {
    refuseOption(rev, 'revision');
    return this.once(`commit:${rev}`, async () => {
      const out = (await this.tryRaw(['rev-parse', '--verify', '-q', `${rev}^{commit}`]))?.trim();
      return out === undefined || out === '' ? undefined : out;
    });
  }

  async tagKind(name: string): Promise<TagKind | undefined> {
    assertRefName(name, 'tag');
    return this.once(`tagkind:${name}`, async () => {
      const type = (await this.tryRaw(['cat-file', '-t', `refs/tags/${name}`]))?.trim();
      if (type === 'tag') return 'annotated';
      return type === 'commit' ? 'lightweight' : undefined;
    });
  }

  async tagCommit(name: string): Promise<string | undefined> {
    assertRefName(name, 'tag');
    return this.resolveCommit(`refs/tags/${name}`);
  }

  /**
   * Remote names and their URLs as configured (`remote.<name>.url`), before `url.*.insteadOf`
   * rewriting: CI often rewrites URLs to inject credentials or mirrors, while the configured URL
   * names the repository flow runs should clone.
   */
  private remoteTable(): Promise<Map<string, string>> {
    return this.once('remotes', async () => {
      const table = new Map<string, string>();
      const text = (await this.tryRaw(['config', '--get-regexp', '^remote\\..*\\.url$'])) ?? '';
      for (const line of text.split('\n')) {
        const m = /^remote\.(.+)\.url (.*)$/.exec(line.trim());
        if (m?.[1] !== undefined && m[2] !== undefined && !table.has(m[1])) table.set(m[1], m[2]);
      }
      return table;
    });
  }

  async remotes(): Promise<string[]> {
    return [...(await this.remoteTable()).keys()];
  }

  async remoteUrl(name: string): Promise<string | undefined> {
    return (await this.remoteTable()).get(name);
  }

  private async knownRemote(remote: string): Promise<void> {
    refuseOption(remote, 'remote name');
    const names = await this.remotes();
    if (!names.includes(remote)) {
      const known = names.length > 0 ? `configured remotes: ${names.join(', ')}` : 'no remote is configured';
      throw new PrefectGitError('E_NO_REMOTE', `git remote "${remote}" does not exist (${known})`, {
        hint: names.length > 0 ? `pass --remote ${names[0]} or add it: git remote add ${remote} <url>` : `add one: git remote add ${remote} <url>, then push`,
      });
    }
  }

  lsRemote(remote: string): Promise<RemoteRefs> {
    return this.once(`ls-remote:${remote}`, async () => {
      await this.knownRemote(remote);
      try {
        return parseLsRemote(await this.git.raw(['ls-remote', '--heads', '--tags', '--', remote]));
      } catch (error) {
        throw new PrefectGitError('E_GIT', `git ls-remote ${remote} failed: ${gitMessage(error)}`, {
          hint: `check that remote "${remote}" is reachable and your credentials work: git ls-remote ${remote}`,
          cause: error instanceof GitExit ? undefined : error,
        });
      }
    });
  }

  remoteDefaultBranch(remote: string): Promise<string | undefined> {
    return this.once(`default:${remote}`, async () => {
      await this.knownRemote(remote);
      const local = (await this.tryRaw(['symbolic-ref', '-q', `refs/remotes/${remote}/HEAD`]))?.trim();
      const prefix = `refs/remotes/${remote}/`;
      if (local?.startsWith(prefix)) return local.slice(prefix.length);
      const out = await this.tryRaw(['ls-remote', '--symref', '--', remote, 'HEAD']);
      const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out ?? '');
      return m?.[1];
    });
  }

  statusPorcelain(paths: readonly string[]): Promise<StatusEntry[]> {
    if (paths.length === 0) return Promise.resolve([]);
    // -uall with --ignored=traditional lists files inside ignored folders one by one.
    // :(top,literal) so paths are repo-relative whatever the cwd and never read as globs.
    const specs = paths.map((p) => `:(top,literal)${p}`);
    return this.once(`status:${JSON.stringify(specs)}`, async () => {
      const out = await this.run(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=traditional', '--', ...specs]);
      const entries: StatusEntry[] = [];
      const fields = out.split('\0');
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i] ?? '';
        if (field.length < 4) continue;
        const xy = field.slice(0, 2);
        entries.push({ path: field.slice(3), xy });
        // Renames and copies carry the old path as the next field.
        if (xy.includes('R') || xy.includes('C')) i++;
      }
      return entries;
    });
  }

  async show(commit: string, path: string): Promise<Buffer | undefined> {
    refuseOption(commit, 'revision');
    try {
      return await this.git.showBuffer([`${commit}:${path}`]);
    } catch (error) {
      if (error instanceof GitExit) return undefined;
      throw error;
    }
  }

  isShallow(): Promise<boolean> {
    return this.once('shallow', async () => (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true');
  }

  async listFiles(commit: string, paths: readonly string[]): Promise<string[]> {
    refuseOption(commit, 'revision');
    const out = await this.run(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit, '--', ...paths]);
    return out.split('\0').filter((file) => file !== '').sort();
  }

  readFiles(commit: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
    refuseOption(commit, 'revision');
    return readBlobs(this.rootDir, paths.map((path) => ({ key: path, object: `${commit}:${path}` })));
  }

  exportTree(commit: string, dir: string): Promise<void> {
    refuseOption(commit, 'revision');
    return exportTree(this.rootDir, commit, dir);
  }

  async changedFiles(since: string, until: string | undefined): Promise<string[]> {
    refuseOption(since, 'revision');
    if (until !== undefined) refuseOption(until, 'revision');
    // --no-renames: a renamed file must count under its old path too (flows that imported it);
    // --no-relative and -z: repo-relative, unquoted paths whatever diff.relative / core.quotePath say.
    const diff = await this.run(['diff', '--name-only', '-z', '--no-renames', '--no-relative', '--no-ext-diff', since, ...(until === undefined ? [] : [until]), '--']);
    const paths = new Set(diff.split('\0').filter((file) => file !== ''));
    if (until === undefined) {
      const untracked = await this.run(['ls-files', '-z', '--others', '--exclude-standard', '--full-name', '--', ':(top)']);
      for (const file of untracked.split('\0')) if (file !== '') paths.add(file);
    }
    return [...paths].sort();
  }

  async fetchRefs(remote: string, refs: ReadonlyArray<{ type: 'branch' | 'tag'; name: string }>): Promise<void> {
    if (refs.length === 0) return;
    await this.knownRemote(remote);
    // Full ref names without a destination: nothing local is overwritten (tags included), only
    // FETCH_HEAD and the object store (and remote-tracking branches, as any fetch does).
    const specs = refs.map((ref) => {
      assertRefName(ref.name, ref.type);
      return `refs/${ref.type === 'branch' ? 'heads' : 'tags'}/${ref.name}`;
    });
    const depth = (await this.isShallow()) ? ['--depth=1'] : [];
    try {
      await this.git.raw(['fetch', '--quiet', '--no-tags', ...depth, '--', remote, ...specs]);
    } catch (error) {
      throw new PrefectGitError('E_GIT', `git fetch ${remote} failed: ${gitMessage(error)}`, {
        hint: `check that remote "${remote}" is reachable and your credentials work: git fetch ${remote}`,
        cause: error instanceof GitExit ? undefined : error,
      });
    }
  }
}

/**
 * Opens the git work tree containing `cwd`. Returns a {@link GitRepo} rooted at the top level.
 * @throws PrefectGitError E_NOT_A_REPO when `cwd` does not exist or is not inside a work tree
 *   (also for git's "dubious ownership" refusal, with the safe.directory fix as hint).
 */
export async function openRepo(cwd: string, options: OpenRepoOptions = {}): Promise<GitRepo> {
  const notARepo = (why: string, hint = 'run prefect-git inside a clone of your flows repository') =>
    new PrefectGitError('E_NOT_A_REPO', `${cwd} is not inside a git work tree: ${why}`, { hint, details: { cwd } });
  if (!existsSync(cwd)) throw notARepo('the directory does not exist');
  const make = (baseDir: string): SimpleGit =>
    simpleGit({
      baseDir,
      timeout: { block: options.timeoutMs ?? 60_000 },
      // Any non-zero exit is an error (simple-git's default ignores exits with an empty stderr,
      // which is how `rev-parse --verify -q` says "no such ref").
      errors: (error, result) => {
        if (result.exitCode === 0) return error;
        const stderr = Buffer.concat(result.stdErr).toString('utf8');
        return new GitExit(result.exitCode, stderr || (error instanceof Error ? error.message : ''));
      },
    });
  let top: string;
  try {
    top = (await make(cwd).raw(['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    const message = gitMessage(error);
    if (/dubious ownership/i.test(message)) {
      throw notARepo('git refuses a repository owned by another user', `trust it: git config --global --add safe.directory ${cwd}`);
    }
    throw notARepo(message);
  }
  // Inside .git or a bare repository git prints nothing (or fails): neither has a work tree.
  if (top === '') throw notARepo('no work tree (a bare repository or the .git directory)');
  return new SimpleGitRepo(make(top), top);
}

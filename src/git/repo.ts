/**
 * The only door to git: a small `GitRepo` over simple-git. Every fact is read with one git call
 * and cached for the life of the object, so open a new repo after changing the repository.
 * Names from users reach git only after validation (ref-name.ts) or after `--`; anything starting
 * with `-` is refused before a process is spawned. simple-git v4 drops ambient GIT_* variables
 * from the child environment, so GIT_DIR and friends cannot redirect these calls. The remote
 * facts (remotes.ts) and tree reading (tree.ts) live beside it and run git only through it.
 */
import { existsSync } from 'node:fs';
import { GitError, simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { PrefectGitError } from '../errors.js';
import { assertRefName, refuseOption } from './ref-name.js';
import { redactUrlCredentials } from './remote.js';
import { exportTree } from './blobs.js';
import type { TreeListing } from './tree.js';
import { isFullObjectId, lsTreeArgs, parseLsTree, readListedFiles } from './tree.js';
import type { RemoteRefs } from './ls-remote.js';
import type { GitRepo, StatusEntry, TagKind } from './git-repo.js';
import { RemoteFacts } from './remotes.js';

export { parseLsRemote } from './ls-remote.js';
export type { RemoteRefs, RemoteTag } from './ls-remote.js';
export type { GitRepo, StatusEntry, TagKind } from './git-repo.js';

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

class SimpleGitRepo implements GitRepo {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly remoteFacts = new RemoteFacts({
    once: (key, load) => this.once(key, load),
    tryRaw: (args) => this.tryRaw(args),
    runOr: (args, what, hint) => this.runOr(args, what, hint),
    isShallow: () => this.isShallow(),
  });

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

  /** Runs git; any failure (exit, timeout) becomes E_GIT `git <what> failed` with `hint`. */
  private async runOr(args: string[], what: string, hint: string): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (error) {
      // git's own stderr (it may name a URL with credentials) stays out of the cause.
      throw new PrefectGitError('E_GIT', `git ${what} failed: ${gitMessage(error)}`, { hint, cause: error instanceof GitExit ? undefined : error });
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

  remotes(): Promise<string[]> {
    return this.remoteFacts.remotes();
  }

  remoteUrl(name: string): Promise<string | undefined> {
    return this.remoteFacts.remoteUrl(name);
  }

  lsRemote(remote: string): Promise<RemoteRefs> {
    return this.remoteFacts.lsRemote(remote);
  }

  remoteDefaultBranch(remote: string): Promise<string | undefined> {
    return this.remoteFacts.remoteDefaultBranch(remote);
  }

  fetchRefs(remote: string, refs: ReadonlyArray<{ type: 'branch' | 'tag'; name: string }>): Promise<void> {
    return this.remoteFacts.fetchRefs(remote, refs);
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

  /**
   * `commit`'s whole tree, one ls-tree per call; kept for a full object id (a ref name may move).
   * Throws E_GIT when git cannot list it; a failure is not kept, as fetchRefs may bring the commit.
   */
  private treeListing(commit: string): Promise<TreeListing> {
    const load = async (): Promise<TreeListing> => parseLsTree(await this.run(lsTreeArgs(commit)));
    if (!isFullObjectId(commit)) return load();
    const key = `tree:${commit}`;
    const listing = this.once(key, load);
    listing.catch(() => {
      if (this.cache.get(key) === listing) this.cache.delete(key);
    });
    return listing;
  }

  async listFiles(commit: string, paths: readonly string[]): Promise<string[]> {
    refuseOption(commit, 'revision');
    if (paths.length === 0) return [...(await this.treeListing(commit)).paths];
    const out = await this.run(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit, '--', ...paths]);
    return out.split('\0').filter((file) => file !== '').sort();
  }

  async readFiles(commit: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
    refuseOption(commit, 'revision');
    if (paths.length === 0) return new Map<string, Buffer>();
    // A commit git cannot list (not fetched yet) holds no files, as `<commit>:<path>` said.
    const listing = await this.treeListing(commit).catch((error: unknown) => {
      if (error instanceof PrefectGitError && error.code === 'E_GIT') return undefined;
      throw error;
    });
    return listing === undefined ? new Map<string, Buffer>() : readListedFiles(this.rootDir, listing, paths);
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

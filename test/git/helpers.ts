/**
 * Real git repositories in temp folders for the git tests (in the spirit of changesets' gitdir):
 * `main` as default branch, pinned author/committer and dates, no signing, no auto-gc, no user or
 * system config, and a bare repository as `origin`. Setup uses execFileSync, not the code under
 * test. Call `cleanupRepos()` in afterEach.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];
/** Built once per options and copied per test: a copy is much cheaper than ~10 git processes. */
const templates = new Map<string, string>();
const templateDirs: string[] = [];
afterAll(() => {
  for (const dir of templateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  templates.clear();
});

/** The child environment: no ambient GIT_* (a test run from a git hook sets GIT_DIR), pinned identity. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toUpperCase().startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(tmpdir(), 'prefect-git-test-no-global-config'),
    GIT_TERMINAL_PROMPT: '0',
  };
}

/** Runs git in `cwd` and returns its trimmed stdout; throws with stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Runs a shell command line (used to prove that printed hints work) in `cwd`. */
export function sh(cwd: string, command: string): string {
  return execFileSync('sh', ['-c', command], { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A new empty temp directory (physical path), removed by {@link cleanupRepos}. */
export function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'prefect-git-test-')));
  created.push(dir);
  return dir;
}

/** Removes every temp directory made since the last call. */
export function cleanupRepos(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `content` to `rel` under `dir`, creating folders. */
export function writeFile(dir: string, rel: string, content: string): void {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A work tree, optionally with a bare `origin`. */
export interface TestRepo {
  /** The work tree. */
  dir: string;
  /** The bare origin, when made. */
  origin: string | undefined;
  git(...args: string[]): string;
  /** Writes files (default: a file named after the message), commits them, returns the sha. */
  commit(message: string, files?: Record<string, string>): string;
  head(): string;
}

/** commit.gpgSign=false, tag.gpgSign=false, gc.auto=0, written directly (no git processes). */
function configure(dir: string): void {
  appendFileSync(join(dir, '.git', 'config'), '[commit]\n\tgpgSign = false\n[tag]\n\tgpgSign = false\n[gc]\n\tauto = 0\n');
}

/** Wraps an existing work tree; `commits` is how many helper commits it already has. */
export function wrapRepo(dir: string, origin?: string, commits = 0): TestRepo {
  let n = commits;
  return {
    dir,
    origin,
    git: (...args) => git(dir, ...args),
    commit(message, files) {
      n += 1;
      for (const [rel, content] of Object.entries(files ?? { [`file-${n}.txt`]: `${message}\n` })) writeFile(dir, rel, content);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
    head: () => git(dir, 'rev-parse', 'HEAD'),
  };
}

/**
 * A work tree on `main`; with `origin` (default true) a bare repo added as `origin`; with
 * `commits` (default 1) that many commits, pushed when `push` (default true).
 */
export function createRepo(options: { origin?: boolean; commits?: number; push?: boolean } = {}): TestRepo {
  const hasOrigin = options.origin ?? true;
  const commits = options.commits ?? 1;
  const key = JSON.stringify([hasOrigin, commits, options.push ?? true]);
  let template = templates.get(key);
  if (template === undefined) {
    template = buildRepo(hasOrigin, commits, options.push ?? true);
    templates.set(key, template);
  }
  const root = tempDir();
  // cp -R is several times faster than fs.cpSync for a tree of small files.
  execFileSync('cp', ['-R', `${template}/.`, root]);
  const dir = join(root, 'work');
  const origin = hasOrigin ? join(root, 'origin.git') : undefined;
  if (origin !== undefined) {
    const config = join(dir, '.git', 'config');
    writeFileSync(config, readFileSync(config, 'utf8').split(join(template, 'origin.git')).join(origin));
  }
  return wrapRepo(dir, origin, commits);
}

function buildRepo(hasOrigin: boolean, commits: number, push: boolean): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'prefect-git-template-')));
  templateDirs.push(root);
  const dir = join(root, 'work');
  git(root, 'init', '-q', '--template=', '-b', 'main', dir);
  configure(dir);
  let origin: string | undefined;
  if (hasOrigin) {
    origin = join(root, 'origin.git');
    git(root, 'init', '-q', '--template=', '--bare', '-b', 'main', origin);
    git(dir, 'remote', 'add', 'origin', origin);
  }
  const repo = wrapRepo(dir, origin);
  for (let i = 1; i <= commits; i++) repo.commit(`commit ${i}`);
  if (origin !== undefined && commits > 0 && push) repo.git('push', '-q', 'origin', 'main');
  return root;
}

/** `git clone --depth 1 file://<origin>` into a new temp dir; returns the clone. */
export function shallowClone(origin: string): TestRepo {
  const dir = join(tempDir(), 'shallow');
  git(tmpdir(), 'clone', '-q', '--depth', '1', `file://${origin}`, dir);
  configure(dir);
  return wrapRepo(dir, origin);
}

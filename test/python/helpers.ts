import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitStorageArgs } from '../../src/flows/python/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/python/', import.meta.url));
/** A small "repository" of flow files (repo-relative paths `flows/*.py`). */
export const REPO = join(FIXTURES, 'repo');
/** The stand-in `prefect` package (NOT Prefect: see its docstring). */
export const STAND_IN = join(FIXTURES, 'stand-in');
export const STAND_IN_PREFECT2 = join(FIXTURES, 'stand-in-prefect2');
export const STAND_IN_BROKEN = join(FIXTURES, 'stand-in-broken');

/**
 * The machine's real python3 binary (past pyenv shims). CI has python3: when it is missing this
 * throws, so the tests fail instead of being skipped.
 */
export const PYTHON3 = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** This process's env minus anything that would steer the loader, plus a PYTHONPATH. */
export function envWith(pythonPath?: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const { PREFECT_GIT_PYTHON: _p, PYTHONPATH: _pp, ...rest } = process.env;
  return { ...rest, ...(pythonPath === undefined ? {} : { PYTHONPATH: pythonPath }), ...extra };
}

/** What prefect-git passes as `Git(...)` arguments (the golden flows' storage). */
export const STORAGE: GitStorageArgs = {
  secrets: [],
  repo: 'acme/data-flows',
  repo_host: 'github.com',
  git_token_secret_name: 'GITHUB_ACCESS_TOKEN',
  git_token_username: null,
  git_clone_url_secret_name: null,
  branch_name: 'main',
  tag: null,
  commit: null,
  clone_depth: 1,
  use_ssh: false,
  format_access_token: true,
};

/** True while a process exists and is not a zombie (a container's pid 1 may never reap it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

export async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

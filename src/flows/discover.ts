import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PrefectGitError } from '../errors.js';

/** Folders that never hold a repository's flows: tool caches and virtualenvs. */
const SKIPPED_DIRS = new Set(['__pycache__', 'node_modules', 'venv', 'site-packages']);

export interface DiscoverOptions {
  /** Absolute path of the repository root: results are relative to it. */
  repoRoot: string;
  /** Absolute directory the user's paths are relative to. */
  cwd: string;
  /** Files or directories; defaults to `.`. */
  paths?: readonly string[] | undefined;
}

function isSkippedDir(name: string): boolean {
  return name.startsWith('.') || SKIPPED_DIRS.has(name) || name.endsWith('.egg-info');
}

/** True when a directory is a Python virtualenv (it has `pyvenv.cfg`), whatever its name. */
async function isVirtualenv(dir: string): Promise<boolean> {
  return stat(path.join(dir, 'pyvenv.cfg')).then(
    () => true,
    () => false,
  );
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isSkippedDir(entry.name) || (await isVirtualenv(full))) continue;
      await walk(full, out);
    } else if (entry.isFile() && entry.name.endsWith('.py')) {
      out.push(full);
    }
  }
}

/** Converts an absolute path inside the repository to the POSIX path Git storage needs. */
export function toRepoRelative(repoRoot: string, absolute: string): string {
  const relative = path.relative(repoRoot, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new PrefectGitError('E_PATH_NOT_FOUND', `${absolute} is outside the git repository`, {
      hint: 'Flow files must live inside the repository that flow runs clone.',
    });
  }
  return relative.split(path.sep).join('/');
}

/**
 * Expands paths into the sorted, de-duplicated repository-relative `.py` files below them.
 * Directories are scanned recursively, skipping hidden folders, virtualenvs, `__pycache__` and
 * `node_modules`; a file named explicitly is kept whatever its extension.
 * @throws PrefectGitError E_PATH_NOT_FOUND for a path that does not exist or lies outside the repo.
 */
export async function discoverFlowFiles(options: DiscoverOptions): Promise<string[]> {
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  const found: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(options.cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      throw new PrefectGitError('E_PATH_NOT_FOUND', `Path '${given}' doesn't exist`, {
        hint: 'Pass files or folders that exist, relative to the current directory (or -C DIR).',
      });
    }
    if (info.isDirectory()) await walk(absolute, found);
    else found.push(absolute);
  }
  const relative = found.map((file) => toRepoRelative(options.repoRoot, file));
  return [...new Set(relative)].sort();
}

/** Whether a repo-relative file lies under a folder the scan skips (or under a virtualenv). */
function inSkippedFolder(file: string, venvDirs: ReadonlySet<string>): boolean {
  const parts = file.split('/').slice(0, -1);
  return parts.some((part, index) => isSkippedDir(part) || venvDirs.has(parts.slice(0, index + 1).join('/')));
}

export interface TreeDiscoverOptions {
  /** Every file of the commit's tree (repo-relative POSIX paths). */
  treeFiles: readonly string[];
  repoRoot: string;
  cwd: string;
  paths?: readonly string[] | undefined;
  /** Names the commit in errors (`HEAD`, `v1.2.0 (1a2b3c4)`). */
  commitLabel: string;
}

/**
 * The same selection as {@link discoverFlowFiles}, made on a commit's tree instead of the working
 * tree, so what is read is what flow runs will clone.
 * @throws PrefectGitError E_PATH_NOT_FOUND for a path that is not in the commit.
 */
export function selectFlowFilesInTree(options: TreeDiscoverOptions): string[] {
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  const venvDirs = new Set(options.treeFiles.filter((f) => f.endsWith('/pyvenv.cfg')).map((f) => f.slice(0, -'/pyvenv.cfg'.length)));
  const selected = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(options.cwd, given);
    const relative = absolute === path.resolve(options.repoRoot) ? '' : toRepoRelative(options.repoRoot, absolute);
    const prefix = relative === '' ? '' : `${relative}/`;
    const exact = options.treeFiles.includes(relative);
    const below = options.treeFiles.filter((f) => f.startsWith(prefix) && f.endsWith('.py') && !inSkippedFolder(f.slice(prefix.length), venvDirs));
    if (!exact && below.length === 0 && !options.treeFiles.some((f) => f.startsWith(prefix))) {
      throw new PrefectGitError('E_PATH_NOT_FOUND', `Path '${given}' is not in ${options.commitLabel}`, {
        hint: 'Flow runs clone what is committed: commit the file (and push), or pass --worktree to read the working tree.',
      });
    }
    if (exact) selected.add(relative);
    for (const file of below) selected.add(file);
  }
  return [...selected].sort();
}

/**
 * A commit's files as `git ls-tree -r` lists them, and reading them by blob id. Asking
 * `cat-file --batch` for `<commit>:<path>` makes git walk the trees again for every path (about
 * 4x slower for a thousand flow files than asking for the blob ids the listing already holds).
 * Used only by repo.ts, the git room's door.
 */
import { readBlobs } from './blobs.js';

/** One `ls-tree` entry: `type` is `blob` (file or symlink), `commit` (submodule) or `tree`. */
export interface TreeEntry {
  mode: string;
  type: string;
  object: string;
}

/** A commit's tree, recursively: every path as ls-tree prints it (sorted) and its entry. */
export interface TreeListing {
  paths: readonly string[];
  entries: ReadonlyMap<string, TreeEntry>;
}

/** `ls-tree -r -z --full-tree <commit> --`: the whole tree, repo-relative, unquoted paths. */
export function lsTreeArgs(commit: string): string[] {
  return ['ls-tree', '-r', '-z', '--full-tree', commit, '--'];
}

const ENTRY = /^(\d+) (\w+) ([0-9a-f]+)\t/;

/**
 * Parses `ls-tree -z` output (`<mode> SP <type> SP <object> TAB <path> NUL`); records that do
 * not match are skipped. Paths are sorted as JavaScript sorts strings (UTF-16 code units), as
 * listFiles always was; git prints them in UTF-8 byte order. Pure; exported for tests.
 */
export function parseLsTree(output: string): TreeListing {
  const paths: string[] = [];
  const entries = new Map<string, TreeEntry>();
  for (const record of output.split('\0')) {
    const m = ENTRY.exec(record);
    if (!m) continue;
    // The path is everything after the first tab: it may itself hold tabs and newlines.
    const path = record.slice(m[0].length);
    paths.push(path);
    entries.set(path, { mode: m[1] ?? '', type: m[2] ?? '', object: m[3] ?? '' });
  }
  paths.sort();
  return { paths, entries };
}

/**
 * True for a full object id (40 hex for SHA-1, 64 for SHA-256). Only such a commit's listing
 * may be kept: a ref name like HEAD or main can move between two calls.
 */
export function isFullObjectId(commit: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(commit);
}

/**
 * The contents of `paths` that are blobs in `listing` (files and symlinks, whose blob is the
 * link's target text), keyed by path, read with one `cat-file --batch` in `cwd`. Paths not in
 * the listing, folders and submodules are left out without asking git. Two paths with the same
 * contents share one blob id and both get it.
 */
export async function readListedFiles(cwd: string, listing: TreeListing, paths: readonly string[]): Promise<Map<string, Buffer>> {
  const blobOf = (path: string): string | undefined => {
    const entry = listing.entries.get(path);
    return entry?.type === 'blob' ? entry.object : undefined;
  };
  const objects = new Set(paths.map(blobOf).filter((object) => object !== undefined));
  const blobs = await readBlobs(cwd, [...objects].map((object) => ({ key: object, object })));
  // In the order asked, as reading `<commit>:<path>` gave them.
  const result = new Map<string, Buffer>();
  for (const path of paths) {
    const object = blobOf(path);
    const content = object === undefined ? undefined : blobs.get(object);
    if (content !== undefined) result.set(path, content);
  }
  return result;
}

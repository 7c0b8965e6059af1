/**
 * The file watcher of `register --watch`: polling, on purpose. `fs.watch({ recursive })` is not
 * there on Linux for Node 20, a watcher per folder has to follow folders as they come and go,
 * and inotify sees nothing in the bind mounts, network shares and WSL folders local Prefect
 * setups often use. A poll is one folder walk plus one `stat` per `.py` file: cheap at these
 * sizes, and it sees atomic saves (write elsewhere, rename over) like any other change.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { discoverFlowFiles } from '../flows/discover.js';
import { isPrefectGitError } from '../errors.js';

/** What a poll saw: flow files found under the paths, and other watched files, by repo path. */
export interface Snapshot {
  /** `.py` files under the watched paths → their stat signature. */
  flowFiles: Map<string, string>;
  /** Other files watched (modules flows import from elsewhere) → signature, or `absent`. */
  extras: Map<string, string>;
}

/** What to watch. */
export interface WatchTarget {
  repoRoot: string;
  cwd: string;
  /** The flow paths (as given, relative to cwd); default `.`. */
  paths: readonly string[] | undefined;
  /** More repo-relative files to watch (imports outside the paths; may not exist yet). */
  extras: () => Iterable<string>;
}

async function signature(file: string): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info === undefined || !info.isFile() ? undefined : `${info.ino}:${info.size}:${info.mtimeMs}`;
}

/** A path that is gone for a moment (an editor saving) is an empty folder, not an error. */
async function discoverTolerant(target: WatchTarget, given: string): Promise<string[]> {
  try {
    return await discoverFlowFiles({ repoRoot: target.repoRoot, cwd: target.cwd, paths: [given] });
  } catch (error) {
    if (isPrefectGitError(error) && error.code === 'E_PATH_NOT_FOUND') return [];
    throw error;
  }
}

/** Walks the paths and stats every file watched. */
export async function takeSnapshot(target: WatchTarget): Promise<Snapshot> {
  const given = target.paths !== undefined && target.paths.length > 0 ? target.paths : ['.'];
  const found = new Set((await Promise.all(given.map((p) => discoverTolerant(target, p)))).flat());
  const flowFiles = new Map<string, string>();
  await Promise.all(
    [...found].map(async (file) => {
      const sig = await signature(path.join(target.repoRoot, file));
      if (sig !== undefined) flowFiles.set(file, sig);
    }),
  );
  const extras = await signatures(target.repoRoot, [...target.extras()].filter((file) => !found.has(file)));
  return { flowFiles, extras };
}

/**
 * The signatures of repo-relative `files`, `absent` for those not there: a module appearing
 * (one that now shadows another) is a change like any edit.
 */
export async function signatures(repoRoot: string, files: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    [...new Set(files)].map(async (file) => {
      out.set(file, (await signature(path.join(repoRoot, file))) ?? 'absent');
    }),
  );
  return out;
}

/**
 * Paths added, removed or changed between two snapshots, sorted. An extra file counts only when
 * both snapshots watched it: one that became watched meanwhile (a new import) is not a change. Pure.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const changed = new Set<string>();
  for (const [file, sig] of after.flowFiles) if (before.flowFiles.get(file) !== sig) changed.add(file);
  for (const file of before.flowFiles.keys()) if (!after.flowFiles.has(file)) changed.add(file);
  for (const [file, sig] of after.extras) {
    const was = before.extras.get(file);
    if (was !== undefined && was !== sig) changed.add(file);
  }
  return [...changed].sort();
}

/** Timing of {@link waitForChanges}. */
export interface PollTiming {
  /** Between polls while nothing changes. */
  pollMs: number;
  /** Quiet time after the last change before the changes are handed over. */
  debounceMs: number;
  signal: AbortSignal;
}

/**
 * Polls until something changed and then stayed quiet for `debounceMs` (an editor saving several
 * files, a `git checkout`), and returns every path that changed meanwhile with the new snapshot;
 * undefined once `signal` aborts.
 */
export async function waitForChanges(target: WatchTarget, previous: Snapshot, timing: PollTiming): Promise<{ changed: string[]; snapshot: Snapshot } | undefined> {
  const changed = new Set<string>();
  let current = previous;
  while (!timing.signal.aborted) {
    const waited = await sleep(changed.size > 0 ? timing.debounceMs : timing.pollMs, true, { signal: timing.signal }).catch(() => false);
    if (!waited) return undefined;
    const next = await takeSnapshot(target);
    const diff = diffSnapshots(current, next);
    current = next;
    if (diff.length > 0) for (const file of diff) changed.add(file);
    else if (changed.size > 0) return { changed: [...changed].sort(), snapshot: current };
  }
  return undefined;
}

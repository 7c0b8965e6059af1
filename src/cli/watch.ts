/**
 * `register --watch`: register, then watch the flow files and the modules they import, and
 * register again the flows of what changed. For local development against a local Server: it
 * reads the working tree, uncommitted edits included, so it skips the pre-flight checks, and a
 * bad file or a failing request is printed and waited out, never the end of the loop.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrefectGitError, isPrefectGitError } from '../errors.js';
import { flowFileDependencies, recordingReader, selectChangedFiles } from '../flows/changed.js';
import type { FlowFile, FlowLoadError } from '../flows/types.js';
import type { FlowResult } from '../register/types.js';
import { loadWorkspaceFlows } from './load.js';
import type { Output } from './output.js';
import type { CommandContext } from './program-base.js';
import type { RegisterSession } from './register-run.js';
import { registerLoaded } from './register-run.js';
import { renderFlowErrors } from './render-errors.js';
import type { Snapshot, WatchTarget } from './watch-files.js';
import { signatures, takeSnapshot, waitForChanges } from './watch-files.js';
import { repoFileReader } from './workspace.js';

/** What one cycle of the loop did (the first registration is cycle 0). */
export interface WatchCycle {
  cycle: number;
  /** Repo-relative paths whose change started the cycle (none for cycle 0). */
  changed: string[];
  /** Flow files read in this cycle. */
  files: string[];
  results: FlowResult[];
  errors: FlowLoadError[];
  /** The error that ended this cycle early; the loop goes on. */
  failure?: Error | undefined;
}

/** How tests (and the CLI) drive the loop; see `CliIO.watch`. */
export interface WatchHooks {
  /** Stops the loop (default: the first SIGINT). */
  signal?: AbortSignal | undefined;
  /** Called after every cycle, cycle 0 included. */
  onCycle?: ((cycle: WatchCycle) => void) | undefined;
  /** Between polls (default 250 ms). */
  pollMs?: number | undefined;
  /** Quiet time after the last change before registering (default 300 ms). */
  debounceMs?: number | undefined;
}

/** The first SIGINT stops the loop; the listener is then gone, so a second one ends the process as usual. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => void process.removeListener('SIGINT', onSigint) };
}

/** Reads the working-tree files that are still there (one may vanish between poll and read). */
async function readFiles(root: string, files: Iterable<string>): Promise<FlowFile[]> {
  const read = await Promise.all([...files].sort().map(async (file) => ({ path: file, content: await readFile(path.join(root, file)).catch(() => undefined) })));
  return read.flatMap((file) => (file.content === undefined ? [] : [{ path: file.path, content: file.content }]));
}

function reportFailure(output: Output, error: unknown): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  output.error(`${output.colors.red('error')} ${failure.message}`);
  if (isPrefectGitError(error) && error.hint) output.error(`${output.colors.dim('hint')}  ${error.hint}`);
  return failure;
}

/**
 * Runs the loop until the hooks' signal (or SIGINT) stops it; returns the exit code (0). Only
 * the first registration may end it early: an error there (no project, API down) is thrown.
 */
export async function watchAndRegister(ctx: CommandContext, output: Output, session: RegisterSession, hooks: WatchHooks = {}): Promise<number> {
  const { workspace, flags } = session;
  const ref = workspace.resolution.ref;
  if (ref.type !== 'branch') {
    throw new PrefectGitError('E_USAGE', `--watch registers the working tree, but flow runs of tag ${ref.name} clone the tag, never these edits`, {
      hint: 'Watch a branch (--branch NAME, or check one out), and push it before flow runs use what was registered.',
    });
  }
  const remote = workspace.settings.values.remote ?? 'origin';
  output.warn(
    `--watch reads the working tree, uncommitted edits included, and skips the pre-flight checks (pushed, clean): ` +
      `flow runs clone ${remote}/${ref.name}, so commit and push before runs use these versions`,
  );
  const interrupt = hooks.signal === undefined ? interruptSignal() : undefined;
  const signal = hooks.signal ?? interrupt!.signal;
  const python = workspace.settings.values.loader === 'python';
  const dependencies = new Map<string, Set<string>>();
  const target: WatchTarget = {
    repoRoot: workspace.repoRoot,
    cwd: workspace.cwd,
    paths: workspace.settings.values.paths,
    extras: () => [...dependencies.values()].flatMap((deps) => [...deps]),
  };
  const context = { env: ctx.io.env, output, debug: output.options.debug };
  /** The flow files of the last poll (to tell a deleted flow file from a deleted module). */
  let known = new Set<string>();
  /**
   * Imports found by a cycle, with their signatures taken right after they were read: they join
   * the baseline, so an edit made before the next poll is seen (a poll only starts watching a
   * file; it cannot tell that it changed since it was read).
   */
  let found = new Map<string, string>();

  /** Reads `files` again, refreshes their dependencies, registers their flows. */
  const registerFiles = async (cycle: number, changed: string[], files: FlowFile[]): Promise<WatchCycle> => {
    if (!python) {
      const reader = recordingReader(repoFileReader(workspace, { worktree: true }));
      const read = await flowFileDependencies({ files, readRepoFile: reader.read, storageFor: workspace.storageFor });
      for (const [file, deps] of read) dependencies.set(file, deps);
      const fresh = await signatures(workspace.repoRoot, [...read.values()].flatMap((deps) => [...deps]));
      for (const [file, sig] of fresh) found.set(file, sig);
    }
    const loaded = await loadWorkspaceFlows(workspace, { ...flags, worktree: true }, { ...context, files });
    const paths = files.map((file) => file.path);
    if (loaded.flows.length === 0) {
      renderFlowErrors(output, loaded.errors);
      output.info(`no flow to register in ${paths.length} file${paths.length === 1 ? '' : 's'}${loaded.errors.length > 0 ? `, ${loaded.errors.length} not read` : ''}`);
      return { cycle, changed, files: paths, results: [], errors: loaded.errors };
    }
    const outcome = await registerLoaded(session, output, loaded, { dryRun: false, provenance: false });
    return { cycle, changed, files: paths, results: outcome.results, errors: loaded.errors };
  };

  try {
    // Taken before registering and kept as the baseline: an edit made while the first
    // registration runs is caught by the first poll. Imports found meanwhile join the watch then.
    let snapshot: Snapshot = await takeSnapshot(target);
    known = new Set(snapshot.flowFiles.keys());
    const first = await registerFiles(0, [], await readFiles(workspace.repoRoot, snapshot.flowFiles.keys()));
    const count = snapshot.flowFiles.size;
    output.info(`watching ${count} flow file${count === 1 ? ' and the modules it imports' : 's and the modules they import'} (Ctrl-C to stop)`);
    hooks.onCycle?.(first);
    for (let cycle = 1; ; cycle++) {
      for (const [file, sig] of found) if (!snapshot.flowFiles.has(file) && !snapshot.extras.has(file)) snapshot.extras.set(file, sig);
      found = new Map();
      const next = await waitForChanges(target, snapshot, { pollMs: hooks.pollMs ?? 250, debounceMs: hooks.debounceMs ?? 300, signal });
      if (next === undefined) break;
      snapshot = next.snapshot;
      hooks.onCycle?.(await runCycle(cycle, next.changed, snapshot));
    }
  } finally {
    interrupt?.dispose();
  }
  output.info('stopped watching');
  return 0;

  async function runCycle(cycle: number, changed: string[], current: Snapshot): Promise<WatchCycle> {
    const flowFiles = [...current.flowFiles.keys()];
    const changedSet = new Set(changed);
    const selected = selectChangedFiles(flowFiles, changedSet, dependencies);
    const shown = changed.length > 6 ? `${changed.slice(0, 5).join(', ')} and ${changed.length - 5} more` : changed.join(', ');
    output.info(`${output.colors.bold('changed')} ${shown}`);
    for (const file of changed) {
      if (!current.flowFiles.has(file) && known.has(file)) {
        dependencies.delete(file);
        output.info(`${file} is gone: its flows stay registered (archive them in the UI if they should go)`);
      }
    }
    known = new Set(flowFiles);
    if (selected.size === 0) {
      output.info('no flow file reads these files: nothing to register');
      return { cycle, changed, files: [], results: [], errors: [] };
    }
    try {
      return await registerFiles(cycle, changed, await readFiles(workspace.repoRoot, selected));
    } catch (error) {
      return { cycle, changed, files: [...selected].sort(), results: [], errors: [], failure: reportFailure(output, error) };
    }
  }
}

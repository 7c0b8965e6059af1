import type { PrefectApiOptions } from '../api/types.js';
import type { WatchHooks } from './watch.js';

/** Everything the CLI takes from the process, passed in so tests can run it in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Whether stderr is a terminal (colours, live progress). */
  stderrIsTTY: boolean;
  /** Width of the stderr terminal, when known (progress lines are cut to it). */
  stderrColumns?: number | undefined;
  /** User home, for ~/.prefect; defaults to the env's HOME. */
  home?: string | undefined;
  /**
   * Transport of the Prefect API client (default: real fetch, sleep and timeouts). Tests pass an
   * instant `sleep` and short `timeoutMs`, so retries and timeouts run through the real CLI in
   * milliseconds; these are not settings, as users have no reason to change them.
   */
  apiTransport?: Pick<PrefectApiOptions, 'fetch' | 'sleep' | 'timeoutMs' | 'random'> | undefined;
  /**
   * `register --watch`: a signal that stops the loop (default: the first SIGINT), a hook called
   * after each cycle, and poll timings, so tests can drive the loop in-process.
   */
  watch?: WatchHooks | undefined;
}

/** The real process as a CliIO; only cli/ may touch `process`. */
export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.columns,
  };
}

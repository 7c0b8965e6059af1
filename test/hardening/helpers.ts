/**
 * Shared by the hardening tests: the CLI in-process with an injectable API transport (instant,
 * recorded retry sleeps; short timeouts), and generated flow repositories pushed to a bare origin
 * behind a GitHub-style URL.
 */
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { generateFlows } from '../../bench/generate.js';
import type { TestRepo } from '../git/helpers.js';
import { createRepo, writeFile } from '../git/helpers.js';
import { GITHUB_URL } from '../e2e/flows-repo.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The retry sleeps a run asked for (ms), answered at once so fault tests stay fast. */
export interface Sleeps {
  waits: number[];
  transport: NonNullable<CliIO['apiTransport']>;
}

/** An instant, recording `sleep`, a fixed jitter and the given per-attempt timeout. */
export function instantTransport(timeoutMs = 2_000): Sleeps {
  const waits: number[] = [];
  return {
    waits,
    transport: {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      timeoutMs,
    },
  };
}

/** Runs `main()` in-process with a captured CliIO. */
export async function cli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; home?: string; transport?: CliIO['apiTransport'] },
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { PATH: process.env.PATH, ...(options.env ?? {}) },
    cwd: options.cwd,
    stderrIsTTY: false,
    home: options.home ?? options.cwd,
    apiTransport: options.transport,
  });
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** A repository of `count` generated flows (bench/generate.ts), pushed to origin on main. */
export function generatedRepo(count: number, seed = 7, url = GITHUB_URL): TestRepo {
  const repo = createRepo({ commits: 0 });
  for (const flow of generateFlows(count, seed)) writeFile(repo.dir, flow.path, flow.source);
  repo.git('remote', 'set-url', 'origin', url);
  repo.git('config', `url.${repo.origin!}.insteadOf`, url);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'flows');
  repo.git('push', '-q', 'origin', 'main');
  return repo;
}

/** Server env for the fake at `url`. */
export const serverEnv = (url: string): Record<string, string> => ({ PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: url });

/** A seeded PRNG (mulberry32) for fault schedules. */
export { prng } from '../../bench/generate.js';

/** One broken input of the bad-input corpus and what the CLI must answer. */
export interface BadInput {
  name: string;
  argv: string[];
  /** Accepted exit codes (never 1). */
  exit: readonly number[];
  /** The error code the JSON must carry (the error document's, or one of `errors[]`). */
  code?: string;
  env?: Record<string, string>;
}

/** Codes of every error document and flow error in a --json run. */
export function jsonCodes(stdout: string): string[] {
  const doc = JSON.parse(stdout) as { error?: { code?: unknown }; errors?: Array<{ code?: unknown }> };
  const codes = [doc.error?.code, ...(doc.errors ?? []).map((e) => e.code)];
  return codes.filter((code): code is string => typeof code === 'string');
}

/** A JS stack frame line (`    at fn (file:1:2)`), which users must never see without --debug. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

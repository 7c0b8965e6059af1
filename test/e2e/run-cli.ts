/** Runs the CLI in-process (main() with a captured CliIO): fast, and real end to end otherwise. */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws when it is not exactly one JSON document). */
  json<T = Record<string, unknown>>(): T;
}

export async function runCli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; home?: string; stderrIsTTY?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PATH: process.env.PATH, ...(options.env ?? {}) },
    cwd: options.cwd,
    stderrIsTTY: options.stderrIsTTY ?? false,
    home: options.home ?? options.cwd,
  });
  return { code, stdout, stderr, json: <T,>() => JSON.parse(stdout) as T };
}

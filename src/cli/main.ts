import { CommanderError } from 'commander';
import { ExitCode, PrefectGitError, isPrefectGitError } from '../errors.js';
import type { CliIO } from './io.js';
import { processIO } from './io.js';
import { Output } from './output.js';
import { loadProgram } from './program-base.js';

/** The JSON shape of an error under --json (docs/errors.md). */
function errorDocument(error: PrefectGitError): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: error.message, hint: error.hint ?? null, ...(error.details ?? {}) } };
}

function report(output: Output, error: PrefectGitError): void {
  if (output.json) output.writeJson(errorDocument(error));
  output.error(`${output.colors.red('error')} ${error.message}`);
  if (error.hint) output.error(`${output.colors.dim('hint')}  ${error.hint}`);
  if (output.options.debug && error.cause instanceof Error) output.error(error.cause.stack ?? String(error.cause));
}

/**
 * Runs the CLI and returns the exit code (docs/errors.md); it never calls process.exit, so the
 * bin can set `process.exitCode` and tests can run it in-process.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const state = { output: new Output(io, {}), exitCode: ExitCode.Ok as number };
  // Only the command being run is loaded: start-up stays small for --version and ref.
  const program = await loadProgram(io, state, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    state.output.endProgress();
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
        return ExitCode.Ok;
      }
      const usage = new PrefectGitError('E_USAGE', error.message.replace(/^error: /, ''), {
        hint: 'Run `prefect-git --help` or `prefect-git <command> --help` for usage and examples.',
      });
      // A usage error stops before any action applied the global options: --json is read from
      // what commander parsed so far, so scripts still get the error document on stdout.
      if (state.output.json || program.opts<{ json?: boolean }>().json === true) state.output.writeJson(errorDocument(usage));
      return ExitCode.Usage;
    }
    if (isPrefectGitError(error)) {
      report(state.output, error);
      return error.exitCode;
    }
    const internal = new PrefectGitError('E_INTERNAL', `internal error: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'This is a bug in prefect-git; rerun with --debug and report it with the output.',
      cause: error,
    });
    report(state.output, internal);
    if (!state.output.options.debug && error instanceof Error && error.stack) {
      state.output.error('(rerun with --debug for the stack trace)');
    }
    return ExitCode.Internal;
  }
}

import { createRequire } from 'node:module';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { CliIO } from './io.js';
import type { GlobalOptions } from './output.js';
import { Output } from './output.js';
import { addRefCommand } from './commands/ref.js';
import { addInspectCommand } from './commands/inspect.js';
import { addRegisterCommand } from './commands/register.js';
import { addVerifyCommand } from './commands/verify.js';
import { addPruneCommand } from './commands/prune.js';
import { addConfigCommand } from './commands/config.js';
import { addDoctorCommand } from './commands/doctor.js';
import { addCompletionCommand } from './commands/completion.js';

/** Shared between main() and the commands: the output in use and the exit code to return. */
export interface CliState {
  output: Output;
  exitCode: number;
}

/** What a command action needs: the process view and the global options as parsed. */
export interface CommandContext {
  io: CliIO;
  state: CliState;
  /** Call at the start of an action: applies the global options and returns the output. */
  begin(command: Command): { output: Output; globals: GlobalOptions; cwd: string };
}

function packageVersion(): string {
  // Works from src/ (tsx, vitest) and from dist/: package.json is two levels up from both.
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

/** Builds the commander program; a function so each run (and each test) gets a fresh one. */
export function buildProgram(io: CliIO, state: CliState): Command {
  const program = new Command('prefect-git')
    .description('Register Prefect 1.x flows with Git storage straight from the git repository.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('-C, --cwd <dir>', 'run as if started in DIR'))
    .option('--json', 'print exactly one JSON document on stdout (human output goes to stderr)')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--debug', 'print debug details (requests, git commands, stack traces)')
    .option('--no-color', 'disable colours (also NO_COLOR or a non-terminal)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const ctx: CommandContext = {
    io,
    state,
    begin(command) {
      const globals = command.optsWithGlobals<GlobalOptions>();
      state.output = new Output(io, globals);
      const cwd = globals.cwd ? path.resolve(io.cwd, globals.cwd) : io.cwd;
      return { output: state.output, globals, cwd };
    },
  };
  addRefCommand(program, ctx);
  addInspectCommand(program, ctx);
  addRegisterCommand(program, ctx);
  addVerifyCommand(program, ctx);
  addPruneCommand(program, ctx);
  addConfigCommand(program, ctx);
  addDoctorCommand(program, ctx);
  addCompletionCommand(program, ctx);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}


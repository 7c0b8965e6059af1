/**
 * The commander program without its commands, and `loadProgram`, which adds only the command
 * being run. Every command module pulls in its whole room (zod, graphql, web-tree-sitter, ...):
 * loading all of them cost `--version` and `ref` some 300 ms of start-up for nothing.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { CliIO } from './io.js';
import type { GlobalOptions } from './output.js';
import { Output } from './output.js';

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

/** The program with its global options and the context its commands share, no command yet. */
export function baseProgram(io: CliIO, state: CliState): { program: Command; ctx: CommandContext } {
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
  return { program, ctx };
}

/** Applies the program's error and output handling to every command added. */
export function finishProgram(program: Command, io: CliIO): Command {
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

type AddCommand = (program: Command, ctx: CommandContext) => void;

/** Commands that can run alone (`completion` lists the whole program, so it is not here). */
const ALONE: Record<string, () => Promise<AddCommand>> = {
  ref: async () => (await import('./commands/ref.js')).addRefCommand,
  inspect: async () => (await import('./commands/inspect.js')).addInspectCommand,
  register: async () => (await import('./commands/register.js')).addRegisterCommand,
  verify: async () => (await import('./commands/verify.js')).addVerifyCommand,
  prune: async () => (await import('./commands/prune.js')).addPruneCommand,
  config: async () => (await import('./commands/config.js')).addConfigCommand,
  doctor: async () => (await import('./commands/doctor.js')).addDoctorCommand,
};

const GLOBAL_FLAGS = new Set(['--json', '-q', '--quiet', '--debug', '--no-color']);

/**
 * What argv asks for, read the way commander reads the global options: `version` when -V comes
 * before any command, the command name, or `all` whenever in doubt (help, completion, an unknown
 * word or option, combined short flags), which is the whole program as before.
 */
export function programNeeds(argv: readonly string[]): { kind: 'version' } | { kind: 'command'; name: string } | { kind: 'all' } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-V' || arg === '--version') return { kind: 'version' };
    if (arg === '-C' || arg === '--cwd') {
      i++;
      continue;
    }
    if (arg.startsWith('--cwd=') || GLOBAL_FLAGS.has(arg)) continue;
    if (arg.startsWith('-')) return { kind: 'all' };
    return Object.hasOwn(ALONE, arg) ? { kind: 'command', name: arg } : { kind: 'all' };
  }
  return { kind: 'all' };
}

/**
 * The program for this argv: only the command being run is loaded (none for `--version`);
 * help, completion and anything unclear get the whole program (program.ts).
 */
export async function loadProgram(io: CliIO, state: CliState, argv: readonly string[]): Promise<Command> {
  const needs = programNeeds(argv);
  if (needs.kind === 'all') return (await import('./program.js')).buildProgram(io, state);
  const { program, ctx } = baseProgram(io, state);
  if (needs.kind === 'command') (await ALONE[needs.name]!())(program, ctx);
  return finishProgram(program, io);
}

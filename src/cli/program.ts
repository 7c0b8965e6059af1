import type { Command } from 'commander';
import type { CliIO } from './io.js';
import type { CliState } from './program-base.js';
import { baseProgram, finishProgram } from './program-base.js';
import { addRefCommand } from './commands/ref.js';
import { addInspectCommand } from './commands/inspect.js';
import { addRegisterCommand } from './commands/register.js';
import { addVerifyCommand } from './commands/verify.js';
import { addPruneCommand } from './commands/prune.js';
import { addConfigCommand } from './commands/config.js';
import { addDoctorCommand } from './commands/doctor.js';
import { addCompletionCommand } from './commands/completion.js';

export type { CliState, CommandContext } from './program-base.js';

/**
 * Builds the whole commander program; a function so each run (and each test) gets a fresh one.
 * `main()` uses `loadProgram` (program-base.ts), which loads only the command being run.
 */
export function buildProgram(io: CliIO, state: CliState): Command {
  const { program, ctx } = baseProgram(io, state);
  addRefCommand(program, ctx);
  addInspectCommand(program, ctx);
  addRegisterCommand(program, ctx);
  addVerifyCommand(program, ctx);
  addPruneCommand(program, ctx);
  addConfigCommand(program, ctx);
  addDoctorCommand(program, ctx);
  addCompletionCommand(program, ctx);
  return finishProgram(program, io);
}

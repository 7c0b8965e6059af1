/**
 * What shell completion needs to know, read from the commander program itself, so the scripts
 * can never fall out of step with the commands and options.
 */
import type { Command, Option } from 'commander';

/** How an option's value is completed. */
export type ValueKind = 'none' | 'choices' | 'file' | 'dir' | 'text';

/** One option: its spellings, whether and how it takes a value, and its description. */
export interface CompletionOption {
  long: string;
  short: string | undefined;
  value: ValueKind;
  choices: string[];
  description: string;
}

/** One command with its options and positional arguments. */
export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** Choices of the first positional argument (`completion bash|zsh|fish`). */
  argChoices: string[];
  /** True when the command takes file or folder paths as arguments. */
  takesPaths: boolean;
}

/** Everything the generators need. */
export interface CompletionSpec {
  program: string;
  globalOptions: CompletionOption[];
  commands: CompletionCommand[];
}

/** Value-taking options whose values are paths (by their value name). */
const DIR_VALUES = new Set(['dir']);
const FILE_VALUES = new Set(['file', 'path']);

function valueName(option: Option): string | undefined {
  return /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
}

function toOption(option: Option): CompletionOption | undefined {
  if (option.long === undefined || option.hidden) return undefined;
  const name = valueName(option);
  const choices = option.argChoices ?? [];
  let value: ValueKind = 'none';
  if (option.required || option.optional) {
    if (choices.length > 0) value = 'choices';
    else if (name !== undefined && DIR_VALUES.has(name)) value = 'dir';
    else if (name !== undefined && FILE_VALUES.has(name)) value = 'file';
    else value = 'text';
  }
  return { long: option.long, short: option.short, value, choices: [...choices], description: option.description };
}

function options(command: Command): CompletionOption[] {
  const list = command.options.map(toOption).filter((option): option is CompletionOption => option !== undefined);
  // commander adds --help lazily, outside `options`.
  if (!list.some((option) => option.long === '--help')) {
    list.push({ long: '--help', short: '-h', value: 'none', choices: [], description: 'display help for command' });
  }
  return list;
}

/** Reads the completion spec from a built program (its commands and their long options). */
export function completionSpec(program: Command): CompletionSpec {
  return {
    program: program.name(),
    globalOptions: options(program),
    commands: program.commands
      .filter((command) => !(command as Command & { _hidden?: boolean })._hidden)
      .map((command) => {
        const args = command.registeredArguments;
        return {
          name: command.name(),
          description: command.description(),
          options: options(command),
          argChoices: [...(args[0]?.argChoices ?? [])],
          takesPaths: args.some((arg) => /path/i.test(arg.name())),
        };
      }),
  };
}

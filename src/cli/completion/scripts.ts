/**
 * Completion scripts for bash, zsh and fish, generated from a {@link CompletionSpec}. Each
 * completes the command names, each command's long (and short) options, option values with
 * fixed choices, folders/files for path values, and files for path arguments.
 */
import type { CompletionCommand, CompletionOption, CompletionSpec } from './spec.js';

/** The shells `prefect-git completion` writes scripts for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The script for `shell`. */
export function completionScript(shell: Shell, spec: CompletionSpec): string {
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}

const funcName = (spec: CompletionSpec): string => `_${spec.program.replace(/[^A-Za-z0-9]/g, '_')}`;
const spellings = (option: CompletionOption): string[] => (option.short ? [option.short, option.long] : [option.long]);
const takesValue = (option: CompletionOption): boolean => option.value !== 'none';

function bashScript(spec: CompletionSpec): string {
  const fn = funcName(spec);
  const all = [...spec.globalOptions, ...spec.commands.flatMap((command) => command.options)];
  const valueCases = new Map<string, string>();
  for (const option of all) {
    if (!takesValue(option)) continue;
    const key = spellings(option).join('|');
    if (option.value === 'choices') valueCases.set(key, `COMPREPLY=($(compgen -W "${option.choices.join(' ')}" -- "$cur")); return 0 ;;`);
    else if (option.value === 'dir') valueCases.set(key, 'COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;');
    else valueCases.set(key, 'return 0 ;;');
  }
  const globalValueFlags = spec.globalOptions.filter(takesValue).flatMap(spellings).join('|');
  const commandCases = spec.commands.map((command) => {
    const words = [...command.options.flatMap(spellings), ...spec.globalOptions.map((option) => option.long)].join(' ');
    const args = command.argChoices.length > 0 ? command.argChoices.join(' ') : '';
    return `    ${command.name}) opts="${words}"; args="${args}"; paths=${command.takesPaths ? 1 : 0} ;;`;
  });
  return `# ${spec.program} completion for bash, generated from the program by \`${spec.program} completion bash\`.
# Load it with:  source <(${spec.program} completion bash)   (or save it in your bash-completion folder)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${globalValueFlags || '--'}) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${[...valueCases].map(([key, body]) => `    ${key}) ${body}`).join('\n')}
  esac
  local opts="" args="" paths=0
  case "$cmd" in
    "") opts="${spec.globalOptions.flatMap(spellings).join(' ')}"; args="${spec.commands.map((command) => command.name).join(' ')}" ;;
${commandCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n "$args" ]]; then
    COMPREPLY=($(compgen -W "$args" -- "$cur"))
  elif [[ "$paths" == 1 ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}
complete -o default -F ${fn} ${spec.program}
`;
}

/** Escapes text for a single-quoted zsh word inside an `_arguments` description. */
function zshDescription(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "'\\''").replace(/([[\]:])/g, '\\$1');
}

function zshAction(option: CompletionOption): string {
  switch (option.value) {
    case 'none':
      return '';
    case 'choices':
      return `:${option.long.slice(2)}:(${option.choices.join(' ')})`;
    case 'dir':
      return ':directory:_files -/';
    case 'file':
      return ':file:_files';
    default:
      return `:${option.long.slice(2)}: `;
  }
}

function zshOption(option: CompletionOption): string {
  const description = `[${zshDescription(option.description)}]${zshAction(option)}`;
  if (option.short === undefined) return `'${option.long}${description}'`;
  return `'(${option.short} ${option.long})'{${option.short},${option.long}}'${description}'`;
}

function zshCommand(command: CompletionCommand, globals: readonly CompletionOption[]): string {
  // Global options are accepted after the command too (commander looks them up in the parent).
  const own = new Set(command.options.map((option) => option.long));
  const specs = [...command.options, ...globals.filter((option) => !own.has(option.long))].map(zshOption);
  if (command.argChoices.length > 0) specs.push(`'1:${command.name}:(${command.argChoices.join(' ')})'`);
  else if (command.takesPaths) specs.push("'*:path:_files'");
  return `        ${command.name})\n          _arguments -s \\\n            ${specs.join(' \\\n            ')}\n          ;;`;
}

function zshScript(spec: CompletionSpec): string {
  const fn = funcName(spec);
  const commands = spec.commands.map((command) => `    '${command.name}:${zshDescription(command.description)}'`);
  return `#compdef ${spec.program}
# ${spec.program} completion for zsh, generated from the program by \`${spec.program} completion zsh\`.
# Load it with:  source <(${spec.program} completion zsh)   (after compinit), or save it as
# ${fn} in a folder of your $fpath.
${fn}() {
  local curcontext="$curcontext" state line
  typeset -A opt_args
  local -a commands
  commands=(
${commands.join('\n')}
  )
  _arguments -C -s \\
    ${spec.globalOptions.map(zshOption).join(' \\\n    ')} \\
    '1: :->command' \\
    '*:: :->args'
  case $state in
    command)
      _describe -t commands '${spec.program} command' commands
      ;;
    args)
      case $words[1] in
${spec.commands.map((command) => zshCommand(command, spec.globalOptions)).join('\n')}
      esac
      ;;
  esac
}
if [[ "\${funcstack[1]}" == "${fn}" ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${spec.program}
fi
`;
}

/** A single-quoted fish string. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishOption(program: string, condition: string | undefined, option: CompletionOption): string {
  const parts = [`complete -c ${program}`];
  if (condition !== undefined) parts.push(`-n ${fishQuote(condition)}`);
  if (option.short !== undefined) parts.push(`-s ${option.short.slice(1)}`);
  parts.push(`-l ${option.long.slice(2)}`);
  if (option.value === 'choices') parts.push(`-x -a ${fishQuote(option.choices.join(' '))}`);
  else if (option.value === 'dir') parts.push(`-x -a '(__fish_complete_directories)'`);
  else if (option.value === 'file') parts.push('-r -F');
  else if (option.value === 'text') parts.push('-x');
  parts.push(`-d ${fishQuote(option.description)}`);
  return parts.join(' ');
}

function fishScript(spec: CompletionSpec): string {
  const p = spec.program;
  const names = spec.commands.map((command) => command.name).join(' ');
  const lines = [
    `# ${p} completion for fish, generated from the program by \`${p} completion fish\`.`,
    `# Load it with:  ${p} completion fish | source   (or save it as ~/.config/fish/completions/${p}.fish)`,
    `complete -c ${p} -f`,
    ...spec.globalOptions.map((option) => fishOption(p, undefined, option)),
    ...spec.commands.map((command) => `complete -c ${p} -n ${fishQuote(`not __fish_seen_subcommand_from ${names}`)} -a ${command.name} -d ${fishQuote(command.description)}`),
  ];
  for (const command of spec.commands) {
    const condition = `__fish_seen_subcommand_from ${command.name}`;
    lines.push(...command.options.map((option) => fishOption(p, condition, option)));
    if (command.argChoices.length > 0) lines.push(`complete -c ${p} -n ${fishQuote(condition)} -a ${fishQuote(command.argChoices.join(' '))}`);
    else if (command.takesPaths) lines.push(`complete -c ${p} -n ${fishQuote(condition)} -F`);
  }
  return `${lines.join('\n')}\n`;
}

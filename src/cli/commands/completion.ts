import type { Command } from 'commander';
import { Argument } from 'commander';
import { completionScript, SHELLS } from '../completion/scripts.js';
import type { Shell } from '../completion/scripts.js';
import { completionSpec } from '../completion/spec.js';
import { examples } from '../help.js';
import type { CommandContext } from '../program.js';

/** `prefect-git completion <shell>`: a completion script generated from this very program. */
export function addCompletionCommand(program: Command, ctx: CommandContext): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish) for every command and option')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText(
      'after',
      examples([
        ['source <(prefect-git completion bash)', 'complete in this bash session (add it to ~/.bashrc to keep it)'],
        ['source <(prefect-git completion zsh)', 'the same in zsh, after compinit'],
        ['prefect-git completion fish > ~/.config/fish/completions/prefect-git.fish', 'install for fish'],
      ]),
    )
    .action((shell: Shell, _options: unknown, cmd: Command) => {
      const { output } = ctx.begin(cmd);
      // The program the command belongs to, so the script always lists what this build has.
      const script = completionScript(shell, completionSpec(cmd.parent ?? program)).trimEnd();
      // With --json, stdout holds one JSON document, as for every command.
      if (output.json) output.writeJson({ shell, script });
      else output.result(script);
    });
}

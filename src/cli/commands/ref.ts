import type { Command } from 'commander';
import { openRepo } from '../../git/repo.js';
import { resolveRef } from '../../git/ref.js';
import type { CommandContext } from '../program.js';
import { examples } from '../help.js';

interface RefOptions {
  tag?: string;
  branch?: string;
  remote: string;
}

/** `prefect-git ref`: the ref a flow run will clone, and which rule chose it. */
export function addRefCommand(program: Command, ctx: CommandContext): void {
  program
    .command('ref')
    .description('Print the git ref (branch or tag) a flow run will clone, and which rule chose it')
    .option('--tag <tag>', 'use this tag (must exist locally or on the remote)')
    .option('--branch <branch>', 'use this branch')
    .option('--remote <name>', 'the remote flow runs clone from', 'origin')
    .addHelpText(
      'after',
      examples([
        ['prefect-git ref', 'the active branch, or what CI says in a detached HEAD'],
        ['BUILD_TAG=v1.2.0 prefect-git ref --json', 'a tag pinned by CI, as JSON'],
        ['GIT_BRANCH=origin/feature/x prefect-git ref', 'Jenkins style: the origin/ prefix is removed'],
      ]),
    )
    .action(async (options: RefOptions, command: Command) => {
      const { output, cwd } = ctx.begin(command);
      const repo = await openRepo(cwd);
      const { ref, trail } = await resolveRef({
        repo,
        env: ctx.io.env,
        remote: options.remote,
        ...(options.tag !== undefined ? { tag: options.tag } : {}),
        ...(options.branch !== undefined ? { branch: options.branch } : {}),
      });
      if (output.json) output.writeJson({ ref, trail });
      else output.result(ref.name);
      output.info(`${ref.type} ${output.colors.bold(ref.name)} at ${ref.commit.slice(0, 12)} (rule: ${ref.source})`);
      for (const step of trail) output.info(`  ${output.colors.dim(step.rule.padEnd(14))} ${step.outcome}`);
    });
}

import type { Command } from 'commander';
import type { FlowLoadError, LoadedFlow } from '../../flows/types.js';
import { idempotencyKey } from '../../prefect/payload.js';
import { ExitCode } from '../../errors.js';
import type { CommandContext } from '../program.js';
import { examples } from '../help.js';
import { addStorageOptions } from '../options.js';
import type { StorageFlags } from '../workspace.js';
import { flagsToSettings, openWorkspace } from '../workspace.js';
import { loadWorkspaceFlows } from '../load.js';
import type { LoadFlags } from '../load.js';
import { flowErrorJson, renderFlowErrors } from '../render-errors.js';
import { changedSinceJson, describeChangedSince } from '../changed-since.js';

interface InspectOptions extends StorageFlags, LoadFlags {}

function taskCount(flow: LoadedFlow): number {
  const tasks = flow.serialized.tasks;
  return Array.isArray(tasks) ? tasks.length : 0;
}

/** `prefect-git inspect`: read and serialize flows, no network. */
export function addInspectCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('inspect')
    .description('Read the flows and show exactly what would be registered (no network)')
    .argument('[paths...]', 'files or folders with flows (default: config `paths`, else .)');
  addStorageOptions(command)
    .addHelpText(
      'after',
      examples([
        ['prefect-git inspect', 'every flow below the current folder'],
        ['prefect-git inspect my_flows/hello_flow.py --json', 'one file, serialized flows as JSON'],
        ['prefect-git inspect --name hello-flow --label k8s', 'one flow, with an extra run-config label'],
        ['prefect-git inspect --changed-since origin/main', 'only the flows a branch changed'],
      ]),
    )
    .action(async (paths: string[], options: InspectOptions, cmd: Command) => {
      const { output, cwd, globals } = ctx.begin(cmd);
      output.progress('resolving the ref');
      const workspace = await openWorkspace({ cwd, env: ctx.io.env, flags: options, settingsFlags: flagsToSettings({ ...options, paths }) });
      const result = await loadWorkspaceFlows(workspace, options, { env: ctx.io.env, output, debug: globals.debug });
      const flows = result.flows.map((flow) => ({ flow, key: idempotencyKey(flow.serialized) }));
      if (result.errors.length > 0) ctx.state.exitCode = ExitCode.FlowLoad;
      if (output.json) {
        output.writeJson({
          ref: workspace.resolution.ref,
          storage: workspace.storageSummary,
          flows: flows.map(({ flow, key }) => ({
            name: flow.name,
            file: flow.flowPath,
            flow_path: flow.flowPath,
            loader: flow.loader,
            serialized_flow: flow.serialized,
            idempotency_key: key,
          })),
          errors: result.errors.map(flowErrorJson),
          ...(result.changed === undefined ? {} : { changed_since: changedSinceJson(result.changed) }),
        });
      }
      const ref = workspace.resolution.ref;
      output.info(`${ref.type} ${output.colors.bold(ref.name)} (${ref.source}), ${result.fileCount} file(s)`);
      if (result.changed !== undefined) output.info(describeChangedSince(result.changed));
      for (const { flow, key } of flows) {
        output.info(
          `  ${output.colors.green('✓')} ${flow.name.padEnd(24)} ${flow.flowPath}${flow.line ? `:${flow.line}` : ''}  ${taskCount(flow)} tasks  key ${key.slice(0, 12)}  ${output.colors.dim(flow.loader)}`,
        );
      }
      renderFlowErrors(output, result.errors);
      output.info(summaryLine(flows.length, result.errors));
    });
}

function summaryLine(loaded: number, errors: FlowLoadError[]): string {
  const refused = errors.length;
  return `${loaded} flow${loaded === 1 ? '' : 's'} read${refused > 0 ? `, ${refused} error${refused === 1 ? '' : 's'}` : ''}`;
}

import type { Command } from 'commander';
import type { Settings } from '../../config/schema.js';
import { loadSettings } from '../../config/load-settings.js';
import { ExitCode, PrefectGitError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { applyPrune } from '../../prune/apply.js';
import type { PruneResult } from '../../prune/apply.js';
import { planPrune } from '../../prune/plan.js';
import type { PrunePlan } from '../../prune/plan.js';
import type { ApiFlags } from '../connect.js';
import { addApiOptions, connectApi } from '../connect.js';
import { examples } from '../help.js';
import type { Output } from '../output.js';
import type { CommandContext } from '../program.js';

interface PruneOptions extends ApiFlags {
  projectPattern?: string;
  remote?: string;
  yes?: boolean;
}

/** `prefect-git prune`: delete per-branch projects whose branch or tag is gone from the remote. */
export function addPruneCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('prune')
    .description('Delete per-branch projects whose branch or tag no longer exists on the remote (plan only without --yes)')
    .option('--project-pattern <pattern>', 'the per-branch project name, e.g. "analytics-{ref_slug}" (default: the `project` setting)')
    .option('--remote <name>', 'git remote whose branches and tags are live (default: origin)')
    .option('-y, --yes', 'delete the planned projects (and their flows); without it nothing is changed');
  addApiOptions(command).addHelpText(
    'after',
    examples([
      ['prefect-git prune --project-pattern "analytics-{ref_slug}"', 'show which per-branch projects would be deleted'],
      ['prefect-git prune --project-pattern "analytics-{ref_slug}" --yes', 'delete them (CI: after a branch is deleted)'],
    ]),
  );
  command.action(async (options: PruneOptions, cmd: Command) => {
    const { output, cwd } = ctx.begin(cmd);
    const repo = await openRepo(cwd);
    const flags: Settings = {
      ...(options.remote !== undefined ? { remote: options.remote } : {}),
      ...(options.api !== undefined ? { api: options.api } : {}),
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
    };
    const values = (await loadSettings({ cwd, stopAt: repo.root(), env: ctx.io.env, flags })).values;
    const pattern = options.projectPattern ?? values.project;
    if (pattern === undefined) {
      throw new PrefectGitError('E_USAGE', "missing required option '--project-pattern'", { hint: 'Pass the per-branch project name you register with, e.g. --project-pattern "analytics-{ref_slug}".' });
    }
    const remote = values.remote ?? 'origin';
    const { api } = await connectApi(ctx, output, { api: values.api, backend: values.backend, apiKeyFile: options.apiKeyFile, timeout: values.api_timeout, retries: values.api_retries });
    // The remote first: if it cannot be read, no project list is worth fetching.
    const refs = await repo.lsRemote(remote);
    const plan = planPrune({ pattern, projects: await api.projectsWithFlows(), refs, remote });
    const results = options.yes === true ? await applyPrune(api, plan) : null;
    renderPrune(output, plan, results, remote);
    ctx.state.exitCode = results?.some((r) => !r.deleted) ? ExitCode.Partial : ExitCode.Ok;
  });
}

function renderPrune(output: Output, plan: PrunePlan, results: PruneResult[] | null, remote: string): void {
  const byId = new Map((results ?? []).map((r) => [r.id, r]));
  if (output.json) {
    output.writeJson({
      pattern: plan.pattern,
      remote,
      dry_run: results === null,
      projects: plan.items.map((item) => {
        const result = byId.get(item.id);
        return { name: item.name, id: item.id, action: item.action, reason: item.reason, flows: item.flows, deleted: result?.deleted ?? false, error: result?.error ?? null };
      }),
      unmatched: plan.unmatched,
      summary: {
        delete: plan.items.filter((i) => i.action === 'delete').length,
        keep: plan.items.filter((i) => i.action === 'keep').length,
        deleted: (results ?? []).filter((r) => r.deleted).length,
        failed: (results ?? []).filter((r) => !r.deleted).length,
      },
    });
  }
  const { colors } = output;
  output.info(`projects matching ${colors.bold(plan.pattern)}: ${plan.items.length} (${plan.unmatched} other project(s) left alone)`);
  for (const item of plan.items) {
    const result = byId.get(item.id);
    const flows = item.flows.length === 1 ? '1 flow' : `${item.flows.length} flows`;
    if (item.action === 'keep') output.info(`  ${colors.dim('=')} keep     ${item.name.padEnd(32)} ${colors.dim(item.reason)}`);
    else if (result === undefined) output.info(`  ${colors.yellow('-')} delete   ${item.name.padEnd(32)} ${flows}; ${item.reason}`);
    else if (result.deleted) output.info(`  ${colors.green('✓')} deleted  ${item.name.padEnd(32)} ${flows}; ${item.reason}`);
    else output.error(`  ${colors.red('✗')} failed   ${item.name.padEnd(32)} ${result.error ?? ''}`);
  }
  const planned = plan.items.filter((i) => i.action === 'delete').length;
  if (results === null) output.info(planned === 0 ? 'nothing to prune' : `${planned} project(s) would be deleted with their flows; pass --yes to delete them`);
  else output.info(`${results.filter((r) => r.deleted).length} deleted, ${results.filter((r) => !r.deleted).length} failed`);
}

import type { Command } from 'commander';
import { Option } from 'commander';
import { ExitCode, PrefectGitError, isPrefectGitError } from '../../errors.js';
import type { FlowLoadError } from '../../flows/types.js';
import { assertPreflight, runPreflight } from '../../git/preflight.js';
import { idempotencyKey } from '../../prefect/payload.js';
import { applyPlan } from '../../register/apply.js';
import { planRegistration } from '../../register/plan.js';
import { expandProjectName } from '../../register/project-name.js';
import { recordProvenance } from '../../register/provenance.js';
import { decideSchedule, refuseUnschedulable, scheduleActiveFor } from '../../register/schedule-mode.js';
import type { ScheduleMode } from '../../register/schedule-mode.js';
import type { FlowResult, FlowToRegister } from '../../register/types.js';
import type { ApiFlags } from '../connect.js';
import { addApiOptions, connectApi } from '../connect.js';
import type { CommandContext } from '../program.js';
import { examples } from '../help.js';
import { addStorageOptions } from '../options.js';
import { renderPlan, renderResults } from '../render-register.js';
import type { StorageFlags } from '../workspace.js';
import { flagsToSettings, openWorkspace } from '../workspace.js';
import { loadWorkspaceFlows } from '../load.js';
import type { LoadFlags } from '../load.js';

interface RegisterOptions extends StorageFlags, ApiFlags, LoadFlags {
  project?: string;
  force?: boolean;
  /** `--schedule` (true), `--schedule keep` (the value), `--no-schedule` (false). */
  schedule?: boolean | ScheduleMode;
  createProject?: boolean;
  dryRun?: boolean;
  concurrency?: string;
  allowRefChange?: boolean;
  allowUnpushed?: boolean;
  allowAnnotatedTag?: boolean;
  allowDirty?: boolean;
  allowTagNotAtHead?: boolean;
}

const scheduleSetting = (value: NonNullable<RegisterOptions['schedule']>): ScheduleMode => (value === true ? 'on' : value === false ? 'off' : value);

/** `prefect-git register`: plan against the server, then create the new and changed flows. */
export function addRegisterCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('register')
    .description('Register the flows with Prefect Server or Cloud; unchanged flows are skipped')
    .argument('[paths...]', 'files or folders with flows (default: config `paths`, else .)');
  addStorageOptions(command)
    .option('-p, --project <name>', 'Prefect project; placeholders {branch} {tag} {ref} {ref_slug}')
    .option('--create-project', 'create the project if it does not exist')
    .option('-f, --force', 'register a new version even when nothing changed (no idempotency key)')
    .addOption(
      new Option('--schedule [state]', 'schedules on (default for tags and the default branch), off, or keep the current state').choices(['on', 'off', 'keep']),
    )
    .option('--no-schedule', 'register with schedules turned off (default for other branches)')
    .option('--allow-ref-change', 'register a branch over a flow whose latest version another branch or a tag registered')
    .option('--dry-run', 'print the plan (would-register / would-skip) and send no mutation')
    .option('--concurrency <n>', 'registrations in flight at once (default: 4)');
  addApiOptions(command)
    .option('--allow-unpushed', 'register although the remote branch head is not HEAD')
    .option('--allow-annotated-tag', 'register an annotated tag (Prefect 1.4.1 cannot check those out)')
    .option('--allow-dirty', 'with --worktree: register although flow files differ from the commit')
    .option('--allow-tag-not-at-head', 'register a tag that does not point at HEAD')
    .addHelpText(
      'after',
      examples([
        ['prefect-git register --project data --dry-run', 'show what would be registered'],
        ['prefect-git register my_flows --project data --label k8s', 'register every flow under my_flows'],
        ['BUILD_TAG=v1.4.0 prefect-git register --project data', 'CI on tag push: runs clone exactly v1.4.0'],
        ['prefect-git register --project "analytics-{ref_slug}" --create-project', 'one project per branch (schedules off unless --schedule)'],
        ['prefect-git register --project analytics --schedule keep', 'keep each flow\'s schedule as it is in the UI'],
      ]),
    )
    .action(async (paths: string[], options: RegisterOptions, cmd: Command) => {
      const { output, cwd, globals } = ctx.begin(cmd);
      const extra = {
        ...(options.project !== undefined ? { project: options.project } : {}),
        ...(options.concurrency !== undefined ? { concurrency: Number(options.concurrency) } : {}),
        ...(options.backend !== undefined ? { backend: options.backend } : {}),
        ...(options.api !== undefined ? { api: options.api } : {}),
        ...(options.createProject ? { create_project: true } : {}),
        ...(options.schedule !== undefined ? { schedule: scheduleSetting(options.schedule) } : {}),
      };
      const workspace = await openWorkspace({ cwd, env: ctx.io.env, flags: options, settingsFlags: flagsToSettings({ ...options, paths }, extra) });
      const values = workspace.settings.values;
      if (values.project === undefined) {
        throw new PrefectGitError('E_USAGE', "missing required option '--project'", {
          hint: 'Pass --project NAME, set PREFECT_GIT_PROJECT, or `project` in [tool.prefect-git].',
        });
      }
      const projectName = expandProjectName(values.project, workspace.resolution.ref);
      const loaded = await loadWorkspaceFlows(workspace, options, { env: ctx.io.env, output, debug: globals.debug });
      const ref = workspace.resolution.ref;
      const remote = values.remote ?? 'origin';
      const report = await runPreflight({
        repo: workspace.repo,
        ref,
        remote,
        // Flow files are read at the ref's commit unless --worktree: uncommitted edits are then
        // not registered (warnUncommitted names them), so only --worktree needs them clean.
        flowPaths: options.worktree ? [...new Set(loaded.flows.map((flow) => flow.flowPath))] : [],
        overrides: {
          allowUnpushed: options.allowUnpushed,
          allowAnnotatedTag: options.allowAnnotatedTag,
          allowDirty: options.allowDirty,
          allowTagNotAtHead: options.allowTagNotAtHead,
        },
      });
      for (const check of report.checks) if (!check.ok && check.overriddenBy) output.warn(`${check.message} (allowed by ${check.overriddenBy})`);
      assertPreflight(report);

      const { api, connection } = await connectApi(ctx, output, { api: values.api, backend: values.backend, apiKeyFile: options.apiKeyFile, timeout: values.api_timeout, retries: values.api_retries });
      const defaultBranch = ref.type === 'branch' ? await workspace.repo.remoteDefaultBranch(remote).catch(unknownDefault) : undefined;
      const source = workspace.settings.sources.schedule;
      const schedule = decideSchedule({
        setting: values.schedule,
        settingSource: source === undefined ? undefined : source.source === 'flag' ? '--schedule' : source.detail,
        ref,
        defaultBranch,
        remote,
      });
      const flows: FlowToRegister[] = loaded.flows.map((flow) => ({ name: flow.name, flowPath: flow.flowPath, serialized: flow.serialized, idempotencyKey: idempotencyKey(flow.serialized) }));
      output.info(`${ref.type} ${output.colors.bold(ref.name)} → project ${output.colors.bold(projectName)} at ${api.displayUrl}`);
      output.info(schedule.message);
      const planned = await planRegistration({
        api,
        projectName,
        projectTemplate: values.project,
        createProject: values.create_project ?? false,
        flows,
        force: options.force ?? false,
        ref,
        allowRefChange: options.allowRefChange ?? false,
        defaultBranch,
      });
      for (const item of planned.items) if (item.warning !== undefined) output.warn(item.warning);
      const { plan, refused } = refuseUnschedulable(planned, flows, schedule);
      const jsonExtra = { schedule: { mode: schedule.mode, explicit: schedule.explicit, message: schedule.message } };

      if (options.dryRun) {
        renderPlan(output, { ref, plan, flows, refused, loadErrors: loaded.errors, extra: jsonExtra });
        const guarded = plan.items.some((item) => item.action === 'refused');
        ctx.state.exitCode = guarded ? ExitCode.Partial : loaded.errors.length > 0 || refused.length > 0 ? ExitCode.FlowLoad : ExitCode.Ok;
        return;
      }
      const applied = await applyPlan({
        api,
        plan,
        flows,
        setScheduleActive: (item) => scheduleActiveFor(schedule, item.latest),
        force: options.force ?? false,
        concurrency: values.concurrency ?? 4,
        uiUrl: connection.backend === 'server' ? connection.uiEndpoint : undefined,
        onEvent: (event) => {
          if (event.type === 'project-created') output.info(`created project ${event.name}`);
          if (event.type === 'warning') output.warn(event.message);
        },
      });
      const sample = workspace.storageFor({ name: 'flow', flowPath: 'flow.py' });
      const provenance = await recordProvenance({
        api,
        results: applied.flows,
        ref,
        repository: sample.repo === null ? null : { repoHost: sample.repo_host, repo: sample.repo },
        onWarning: (message) => output.warn(message),
        concurrency: values.concurrency ?? 4,
      });
      const results = [...applied.flows, ...refused];
      const codeUrls = new Map(provenance.map((record) => [record.name, record.url]));
      renderResults(output, { ref, project: applied.project, results, flows, loadErrors: loaded.errors, codeUrls, extra: jsonExtra });
      ctx.state.exitCode = exitCodeFor(results, loaded.errors);
    });
}

/** The default branch could not be read (no symref on the remote): schedules stay on, as before. */
function unknownDefault(error: unknown): undefined {
  if (isPrefectGitError(error)) return undefined;
  throw error;
}

/** 5 when some flows failed to register; 6 when flows could not be read; 0 otherwise. */
function exitCodeFor(results: FlowResult[], loadErrors: FlowLoadError[]): number {
  if (results.some((result) => result.status === 'failed')) return ExitCode.Partial;
  if (loadErrors.length > 0) return ExitCode.FlowLoad;
  return ExitCode.Ok;
}


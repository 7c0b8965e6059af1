/**
 * The steps of `register`, shared by one run and by every cycle of `register --watch`: open the
 * workspace, connect, then plan and apply what was loaded and report it (text, JSON and the
 * data of the Markdown summary).
 */
import type { PrefectApi } from '../api/types.js';
import type { PrefectConnection } from '../config/prefect-config.js';
import type { Settings } from '../config/schema.js';
import { ExitCode, PrefectGitError, isPrefectGitError } from '../errors.js';
import type { FlowLoadError } from '../flows/types.js';
import { idempotencyKey } from '../prefect/payload.js';
import { applyPlan } from '../register/apply.js';
import { planRegistration } from '../register/plan.js';
import { expandProjectName } from '../register/project-name.js';
import { recordProvenance } from '../register/provenance.js';
import type { ScheduleDecision, ScheduleMode } from '../register/schedule-mode.js';
import { decideSchedule, refuseUnschedulable, scheduleActiveFor } from '../register/schedule-mode.js';
import type { FlowResult, FlowToRegister, RegistrationPlan } from '../register/types.js';
import type { RegisterSummary, SummaryFlow } from '../report/markdown-summary.js';
import { changedSinceJson } from './changed-since.js';
import type { ApiFlags } from './connect.js';
import { connectApi } from './connect.js';
import type { LoadFlags, WorkspaceFlows } from './load.js';
import type { Output } from './output.js';
import type { CommandContext } from './program-base.js';
import { renderPlan, renderResults } from './render-register.js';
import type { StorageFlags, Workspace } from './workspace.js';
import { flagsToSettings, openWorkspace } from './workspace.js';

/** The flags of `register` (commander's camelCase names). */
export interface RegisterFlags extends StorageFlags, ApiFlags, LoadFlags {
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
  summaryFile?: string;
  watch?: boolean;
}

/** What every registration of a run shares. */
export interface RegisterSession {
  workspace: Workspace;
  projectName: string;
  api: PrefectApi;
  connection: PrefectConnection;
  schedule: ScheduleDecision;
  defaultBranch: string | undefined;
  flags: RegisterFlags;
}

/** What one registration did: the exit code it asks for and the data of the Markdown summary. */
export interface RegisterOutcome {
  exitCode: number;
  summary: RegisterSummary;
  results: FlowResult[];
}

const scheduleSetting = (value: NonNullable<RegisterFlags['schedule']>): ScheduleMode => (value === true ? 'on' : value === false ? 'off' : value);

/**
 * Opens the workspace with register's settings flags and expands the project name.
 * @throws PrefectGitError E_USAGE without a project, and whatever opening the workspace throws.
 */
export async function openRegisterWorkspace(ctx: CommandContext, cwd: string, paths: string[], options: RegisterFlags): Promise<{ workspace: Workspace; projectName: string }> {
  const extra: Settings = {
    ...(options.project !== undefined ? { project: options.project } : {}),
    ...(options.concurrency !== undefined ? { concurrency: Number(options.concurrency) } : {}),
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.api !== undefined ? { api: options.api } : {}),
    ...(options.createProject ? { create_project: true } : {}),
    ...(options.schedule !== undefined ? { schedule: scheduleSetting(options.schedule) } : {}),
  };
  const workspace = await openWorkspace({ cwd, env: ctx.io.env, flags: options, settingsFlags: flagsToSettings({ ...options, paths }, extra) });
  const template = workspace.settings.values.project;
  if (template === undefined) {
    throw new PrefectGitError('E_USAGE', "missing required option '--project'", {
      hint: 'Pass --project NAME, set PREFECT_GIT_PROJECT, or `project` in [tool.prefect-git].',
    });
  }
  return { workspace, projectName: expandProjectName(template, workspace.resolution.ref) };
}

/** Connects to the API and decides the schedule mode; prints where flows go. */
export async function connectRegister(ctx: CommandContext, output: Output, opened: { workspace: Workspace; projectName: string }, flags: RegisterFlags): Promise<RegisterSession> {
  const { workspace, projectName } = opened;
  const values = workspace.settings.values;
  const ref = workspace.resolution.ref;
  const remote = values.remote ?? 'origin';
  output.progress(`connecting to the Prefect API`);
  const { api, connection } = await connectApi(ctx, output, { api: values.api, backend: values.backend, apiKeyFile: flags.apiKeyFile, timeout: values.api_timeout, retries: values.api_retries });
  const defaultBranch = ref.type === 'branch' ? await workspace.repo.remoteDefaultBranch(remote).catch(unknownDefault) : undefined;
  const source = workspace.settings.sources.schedule;
  const schedule = decideSchedule({
    setting: values.schedule,
    settingSource: source === undefined ? undefined : source.source === 'flag' ? '--schedule' : source.detail,
    ref,
    defaultBranch,
    remote,
  });
  output.info(`${ref.type} ${output.colors.bold(ref.name)} → project ${output.colors.bold(projectName)} at ${api.displayUrl}`);
  output.info(schedule.message);
  return { workspace, projectName, api, connection, schedule, defaultBranch, flags };
}

/** The default branch could not be read (no symref on the remote): schedules stay on, as before. */
function unknownDefault(error: unknown): undefined {
  if (isPrefectGitError(error)) return undefined;
  throw error;
}

/**
 * Plans the loaded flows and, unless `dryRun`, registers them; prints the plan or the results
 * (and the JSON document). `provenance: false` (watch mode) leaves flow group descriptions alone:
 * they would name a commit that does not hold the code registered.
 */
export async function registerLoaded(session: RegisterSession, output: Output, loaded: WorkspaceFlows, options: { dryRun: boolean; provenance: boolean }): Promise<RegisterOutcome> {
  const { workspace, api, schedule, flags } = session;
  const values = workspace.settings.values;
  const ref = workspace.resolution.ref;
  const flows: FlowToRegister[] = loaded.flows.map((flow) => ({ name: flow.name, flowPath: flow.flowPath, serialized: flow.serialized, idempotencyKey: idempotencyKey(flow.serialized) }));
  output.progress(`planning ${flows.length} flow${flows.length === 1 ? '' : 's'}`);
  const planned = await planRegistration({
    api,
    projectName: session.projectName,
    projectTemplate: values.project,
    createProject: values.create_project ?? false,
    flows,
    force: flags.force ?? false,
    ref,
    allowRefChange: flags.allowRefChange ?? false,
    defaultBranch: session.defaultBranch,
  });
  for (const item of planned.items) if (item.warning !== undefined) output.warn(item.warning);
  const { plan, refused } = refuseUnschedulable(planned, flows, schedule);
  const jsonExtra = {
    schedule: { mode: schedule.mode, explicit: schedule.explicit, message: schedule.message },
    ...(loaded.changed === undefined ? {} : { changed_since: changedSinceJson(loaded.changed) }),
  };
  const base = { ref, loadErrors: loaded.errors, changedSince: loaded.changed };

  if (options.dryRun) {
    renderPlan(output, { ref, plan, flows, refused, loadErrors: loaded.errors, extra: jsonExtra });
    const guarded = plan.items.some((item) => item.action === 'refused');
    const exitCode = guarded ? ExitCode.Partial : loaded.errors.length > 0 || refused.length > 0 ? ExitCode.FlowLoad : ExitCode.Ok;
    return { exitCode, summary: planSummary(session, plan, refused, base), results: [] };
  }
  const total = plan.items.filter((item) => item.action !== 'refused' && (flags.force === true || item.action !== 'unchanged')).length;
  let started = 0;
  const applied = await applyPlan({
    api,
    plan,
    flows,
    setScheduleActive: (item) => scheduleActiveFor(schedule, item.latest),
    force: flags.force ?? false,
    concurrency: values.concurrency ?? 4,
    uiUrl: session.connection.backend === 'server' ? session.connection.uiEndpoint : undefined,
    onEvent: (event) => {
      if (event.type === 'project-created') output.info(`created project ${event.name}`);
      if (event.type === 'warning') output.warn(event.message);
      if (event.type === 'flow-start') output.progress(`registering ${++started}/${total}: ${event.name}`);
    },
  });
  let codeUrls = new Map<string, string | null>();
  if (options.provenance) {
    output.progress('recording provenance');
    const sample = workspace.storageFor({ name: 'flow', flowPath: 'flow.py' });
    const provenance = await recordProvenance({
      api,
      results: applied.flows,
      plan,
      ref,
      repository: sample.repo === null ? null : { repoHost: sample.repo_host, repo: sample.repo },
      onWarning: (message) => output.warn(message),
      concurrency: values.concurrency ?? 4,
    });
    codeUrls = new Map(provenance.map((record) => [record.name, record.url]));
  }
  const results = [...applied.flows, ...refused];
  renderResults(output, { ref, project: applied.project, results, flows, loadErrors: loaded.errors, codeUrls, extra: jsonExtra });
  const summary: RegisterSummary = {
    dryRun: false,
    project: applied.project.name,
    projectCreated: applied.project.created,
    ref,
    flows: results.map((result): SummaryFlow => ({ name: result.name, flowPath: result.flowPath, status: result.status, version: result.version, url: result.url, error: result.error })),
    loadErrors: loaded.errors,
    changedSince: changedSummary(base.changedSince),
  };
  return { exitCode: exitCodeFor(results, loaded.errors), summary, results };
}

function changedSummary(changed: WorkspaceFlows['changed']): RegisterSummary['changedSince'] {
  return changed === undefined ? undefined : { since: changed.since, leftOut: changed.leftOut.flows };
}

function planSummary(session: RegisterSession, plan: RegistrationPlan, refused: readonly FlowResult[], base: { ref: RegisterSummary['ref']; loadErrors: FlowLoadError[]; changedSince: WorkspaceFlows['changed'] }): RegisterSummary {
  const rows = plan.items.map((item): SummaryFlow => ({
    name: item.name,
    flowPath: item.flowPath,
    status: item.action === 'unchanged' ? 'would-skip' : item.action === 'refused' ? 'would-refuse' : 'would-register',
    version: item.latest?.version ?? null,
    reason: item.reason,
    error: item.refusal,
  }));
  const refusedRows = refused.map((result): SummaryFlow => ({ name: result.name, flowPath: result.flowPath, status: 'would-refuse', version: null, reason: result.error?.message, error: result.error }));
  return {
    dryRun: true,
    project: session.projectName,
    projectCreated: plan.project.willCreate,
    ref: base.ref,
    flows: [...rows, ...refusedRows],
    loadErrors: base.loadErrors,
    changedSince: changedSummary(base.changedSince),
  };
}

/** 5 when some flows failed to register; 6 when flows could not be read; 0 otherwise. */
function exitCodeFor(results: FlowResult[], loadErrors: FlowLoadError[]): number {
  if (results.some((result) => result.status === 'failed')) return ExitCode.Partial;
  if (loadErrors.length > 0) return ExitCode.FlowLoad;
  return ExitCode.Ok;
}

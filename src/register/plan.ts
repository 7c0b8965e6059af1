/**
 * Planning: compare the flows to register with what the server has, without changing anything.
 * Two requests at most, whatever the number of flows: the project lookup (which also lists the
 * tenants) and one batched lookup of the newest version of every flow name.
 */
import type { FlowVersion, PrefectApi } from '../api/types.js';
import { PrefectGitError } from '../errors.js';
import { checkRefChange } from './ref-guard.js';
import type { FlowToRegister, LatestVersion, PlanItem, RegistrationPlan } from './types.js';

/** Inputs of `planRegistration`. */
export interface PlanOptions {
  api: PrefectApi;
  projectName: string;
  /** Create the project in apply if it does not exist (`--create-project`). */
  createProject: boolean;
  flows: readonly FlowToRegister[];
  /** `--force`: every flow gets a new version, so nothing is planned as unchanged. */
  force: boolean;
  /** The ref being registered; with it, the branch guard (ref-guard.ts) runs per flow. */
  ref?: { type: 'branch' | 'tag'; name: string } | undefined;
  /** `--allow-ref-change`: the guard warns instead of refusing. */
  allowRefChange?: boolean | undefined;
  /** The remote's default branch, for versions stored without branch or tag. */
  defaultBranch?: string | undefined;
  /** The project name as given, with its placeholders (for the guard's hint). */
  projectTemplate?: string | undefined;
}

/**
 * Decides per flow: `new` (no flow of that name in the project), `changed` (the server will
 * create a new version) or `unchanged` (the server would answer with the existing version).
 *
 * "Unchanged" follows the server's own rule (prefect1.md §8.3): the flow group of the newest
 * version stores the idempotency key of the registration that made it; if our key equals it and
 * that version is not archived, the server returns the existing id and creates nothing. After a
 * forced registration the stored key is null, so the next run is `changed`, as on the server.
 * With `ref`, a flow whose newest version another branch (or a tag) registered is `refused`
 * (`E_REF_CHANGE`, ref-guard.ts), or only warned about with `allowRefChange`.
 *
 * @returns the plan; sends no mutation.
 * @throws PrefectGitError E_PROJECT_NOT_FOUND when the project is missing and `createProject` is
 *   false; E_USAGE when two flows share a name; E_API* from the client.
 */
export async function planRegistration(options: PlanOptions): Promise<RegistrationPlan> {
  const { api, projectName, flows, force } = options;
  assertUniqueNames(flows);
  const lookup = await api.findProject(projectName);
  const project = lookup.project;
  if (project === null && !options.createProject) {
    throw new PrefectGitError('E_PROJECT_NOT_FOUND', `Project '${projectName}' does not exist`, {
      hint: `Pass --create-project to create it, or create it with \`prefect create project "${projectName}"\``,
      details: { project: projectName },
    });
  }
  // An existing project's tenant is its own. A new one goes, on Server, to the first tenant (as
  // Prefect does; the lookup already listed them); on Cloud the client asks for the API key's
  // tenant when it creates the project, so it stays unknown here.
  const tenant =
    project !== null
      ? (lookup.tenants.find((t) => t.id === project.tenantId) ?? null)
      : api.backend === 'server'
        ? (lookup.tenants[0] ?? null)
        : null;

  const latest = project === null ? new Map<string, FlowVersion>() : await api.latestFlowVersions(project.id, flows.map((f) => f.name));
  const items = flows.map((flow) => guard(planItem(flow, latest.get(flow.name), force, projectName), options));
  return {
    project: { name: projectName, id: project?.id ?? null, willCreate: project === null, tenantId: project?.tenantId ?? tenant?.id ?? null },
    tenant,
    items,
    force,
  };
}

function planItem(flow: FlowToRegister, found: FlowVersion | undefined, force: boolean, projectName: string): PlanItem {
  const base = { name: flow.name, flowPath: flow.flowPath };
  if (found === undefined) {
    return { ...base, action: 'new', reason: `no flow named '${flow.name}' in project '${projectName}' yet` };
  }
  const latest: LatestVersion = {
    id: found.id,
    version: found.version,
    flowGroupId: found.flowGroupId,
    archived: found.archived,
    scheduleActive: found.scheduleActive,
    storage: found.storage,
    flowGroupDescription: found.flowGroupDescription,
  };
  const v = `version ${found.version}`;
  const keyMatches = found.idempotencyKey !== null && found.idempotencyKey === flow.idempotencyKey;
  if (force) {
    const why = keyMatches && !found.archived ? 'metadata unchanged, but --force registers a new version' : 'forced with --force';
    return { ...base, action: 'changed', reason: `${why} (latest is ${v})`, latest };
  }
  if (found.idempotencyKey === null) {
    return { ...base, action: 'changed', reason: `${v} was registered with --force (no key stored to compare), so a new version is made`, latest };
  }
  if (!keyMatches) return { ...base, action: 'changed', reason: `metadata differs from ${v}`, latest };
  if (found.archived) return { ...base, action: 'changed', reason: `metadata matches ${v}, but it is archived`, latest };
  return { ...base, action: 'unchanged', reason: `metadata matches ${v}`, latest };
}

/** The branch guard: a flow whose newest version another ref registered is refused (or warned about). */
function guard(item: PlanItem, options: PlanOptions): PlanItem {
  if (options.ref === undefined || item.latest === undefined) return item;
  const change = checkRefChange({
    flowName: item.name,
    projectName: options.projectName,
    projectTemplate: options.projectTemplate,
    incoming: options.ref,
    registered: item.latest.storage,
    defaultBranch: options.defaultBranch,
  });
  if (change === null) return item;
  if (options.allowRefChange === true) return { ...item, warning: `${change.message} (allowed by --allow-ref-change)` };
  return { ...item, action: 'refused', reason: change.message, refusal: { code: 'E_REF_CHANGE', message: change.message, hint: change.hint } };
}

function assertUniqueNames(flows: readonly FlowToRegister[]): void {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const flow of flows) {
    const first = seen.get(flow.name);
    if (first === undefined) seen.set(flow.name, flow.flowPath);
    else clashes.push(`'${flow.name}' (${first} and ${flow.flowPath})`);
  }
  if (clashes.length > 0) {
    throw new PrefectGitError('E_USAGE', `Several flows share a name: ${clashes.join(', ')}`, {
      hint: 'Flow names must be unique within a project: rename one, or register them to different projects',
      details: { flows: clashes },
    });
  }
}

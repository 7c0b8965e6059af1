/**
 * `create_flow_from_compressed_string` as Prefect Server implements it (prefect1.md §8.1–§8.3):
 * decompress, validate like the pydantic models, pick the version group, honour the idempotency
 * key, version, schedule, archive. Errors are thrown with the server's own messages.
 */
import { randomUUID } from 'node:crypto';
import { decompressFlow } from '../../../src/prefect/payload.js';
import { PyFloat, type PyValue } from '../../../src/prefect/py-value.js';
import { type FakeState, type FlowGroupRow, type FlowRecord, timestamp } from './state.js';

/** The mutation's input, as graphql-js coerced it. */
export interface CreateFlowInput {
  serialized_flow: string;
  project_id: string;
  version_group_id?: string | null;
  set_schedule_active?: boolean | null;
  description?: string | null;
  idempotency_key?: string | null;
}

const API_ERROR = 'Unable to complete operation. An internal API error occurred.';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Obj = { [key: string]: PyValue };
const isObj = (v: PyValue | undefined): v is Obj =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);

function pydanticError(loc: string, message: string): Error {
  return new Error(`1 validation error for FlowSchema\n${loc}\n  ${message}`);
}

/** The §8.2 checks that matter: required slugs, no nulls in non-optional typed fields, version cutoff. */
export function validateFlow(flow: PyValue): Obj {
  if (!isObj(flow)) throw pydanticError('__root__', 'value is not a valid dict (type=type_error.dict)');
  if (typeof flow.name !== 'string') throw pydanticError('name', 'field required (type=value_error.missing)');
  const noNull = (value: PyValue | undefined, loc: string): void => {
    if (value === null) throw pydanticError(loc, 'none is not an allowed value (type=type_error.none.not_allowed)');
  };
  const list = (value: PyValue | undefined, loc: string): PyValue[] => {
    noNull(value, loc);
    return Array.isArray(value) ? value : [];
  };
  list(flow.tasks, 'tasks').forEach((task, i) => {
    if (!isObj(task) || typeof task.slug !== 'string') throw pydanticError(`tasks -> ${i} -> slug`, 'field required (type=value_error.missing)');
    for (const field of ['max_retries', 'tags', 'auto_generated'] as const) noNull(task[field], `tasks -> ${i} -> ${field}`);
  });
  list(flow.edges, 'edges').forEach((edge, i) => isObj(edge) && noNull(edge.mapped, `edges -> ${i} -> mapped`));
  list(flow.parameters, 'parameters').forEach((p, i) => {
    if (!isObj(p) || typeof p.slug !== 'string') throw pydanticError(`parameters -> ${i} -> slug`, 'field required (type=value_error.missing)');
    noNull(p.required, `parameters -> ${i} -> required`);
  });
  if (isObj(flow.schedule)) {
    list(flow.schedule.clocks, 'schedule -> clocks').forEach((c, i) => isObj(c) && noNull(c.parameter_defaults, `schedule -> clocks -> ${i} -> parameter_defaults`));
  }
  const version = flow.__version__;
  if (typeof version === 'string' && compareVersions(version, '0.6.1') < 0) {
    throw new Error(`Prefect backends require new flows to be built with Prefect 0.6.1+, but this flow was built with Prefect ${version}.`);
  }
  return flow;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Edges must name tasks of this flow (§8.3 step 8); a failure there surfaces as the generic APIError. */
function checkEdges(flow: Obj): void {
  const slugs = new Set((Array.isArray(flow.tasks) ? flow.tasks : []).map((t) => (isObj(t) ? t.slug : null)));
  const slugOf = (ref: PyValue | undefined): PyValue | undefined => (isObj(ref) ? ref.slug : ref);
  for (const edge of Array.isArray(flow.edges) ? flow.edges : []) {
    if (!isObj(edge)) continue;
    if (!slugs.has(slugOf(edge.upstream_task) ?? null) || !slugs.has(slugOf(edge.downstream_task) ?? null)) throw new Error(API_ERROR);
  }
}

/** §8.3 step 10: a schedule with required parameters not covered by defaults cannot be activated. */
function scheduleBlocker(flow: Obj, group: FlowGroupRow): string | null {
  const clocks = isObj(flow.schedule) && Array.isArray(flow.schedule.clocks) ? flow.schedule.clocks : [];
  const required = (Array.isArray(flow.parameters) ? flow.parameters : [])
    .filter((p): p is Obj => isObj(p) && p.required === true)
    .map((p) => (typeof p.name === 'string' ? p.name : typeof p.slug === 'string' ? p.slug : ''));
  const covered = (name: string): boolean =>
    name in group.default_parameters || (clocks.length > 0 && clocks.every((c) => isObj(c) && isObj(c.parameter_defaults) && name in c.parameter_defaults));
  return required.every(covered) ? null : 'Can not schedule a flow that has required parameters.';
}

/** Runs the resolver against `state`; returns the flow id (new, or existing when idempotent). */
export function createFlowFromCompressedString(state: FakeState, input: CreateFlowInput): string {
  let decoded: PyValue;
  try {
    decoded = decompressFlow(input.serialized_flow);
  } catch {
    throw new TypeError('Unable to decompress serialized flow');
  }
  if (!UUID_RE.test(input.project_id)) throw new Error(`Could not parse UUID: ${input.project_id}`);
  const flow = validateFlow(decoded);
  const project = state.projects.find((p) => p.id === input.project_id);
  if (project === undefined) throw new Error('Invalid project.');
  const tenantId = project.tenant_id;
  const name = flow.name as string;
  const key = input.idempotency_key ?? null;

  // Step 1: the version group of the most recently created flow with this name in the project.
  const previous = state.flows
    .filter((f) => f.project_id === project.id && f.name === name)
    .sort((a, b) => (a.created < b.created ? 1 : -1))[0];
  const versionGroupId = input.version_group_id ?? previous?.version_group_id ?? randomUUID();

  // Step 3: the flow group, and the idempotent early return.
  let group = state.flowGroups.find((g) => g.tenant_id === tenantId && g.name === versionGroupId);
  const inGroup = (): FlowRecord[] => state.flows.filter((f) => f.tenant_id === tenantId && f.version_group_id === versionGroupId);
  if (group === undefined) {
    group = {
      id: randomUUID(),
      tenant_id: tenantId,
      name: versionGroupId,
      settings: { heartbeat_enabled: true, lazarus_enabled: true, version_locking_enabled: false, idempotency_key: key },
      schedule: null,
      default_parameters: {},
      labels: null,
      description: null,
      created: timestamp(state),
    };
    state.flowGroups.push(group);
  } else {
    const stored = group.settings.idempotency_key;
    if (typeof stored === 'string' && stored !== '' && key !== null && key !== '' && stored === key) {
      const newest = inGroup()
        .filter((f) => !f.archived)
        .sort((a, b) => b.version - a.version)[0];
      if (newest !== undefined) {
        archiveOthers(inGroup(), newest.id);
        return newest.id;
      }
    }
    // Stored even when null: a forced registration clears the key.
    group.settings = { ...group.settings, idempotency_key: key };
  }

  // Steps 4–8.
  const version = Math.max(0, ...inGroup().map((f) => f.version)) + 1;
  checkEdges(flow);
  let setActive = input.set_schedule_active ?? true;
  if ((flow.schedule === null || flow.schedule === undefined) && group.schedule === null) setActive = false;
  const row: FlowRecord = {
    id: randomUUID(),
    tenant_id: tenantId,
    project_id: project.id,
    name,
    version,
    version_group_id: versionGroupId,
    flow_group_id: group.id,
    archived: false,
    is_schedule_active: false,
    serialized_flow: decoded,
    core_version: typeof flow.__version__ === 'string' ? flow.__version__ : null,
    storage: flow.storage ?? null,
    run_config: flow.run_config ?? null,
    parameters: flow.parameters ?? [],
    schedule: flow.schedule ?? null,
    description: input.description ?? null,
    created: timestamp(state),
  };
  state.flows.push(row);

  // Step 10: schedule errors are swallowed and only logged.
  if (setActive) {
    const blocker = scheduleBlocker(flow, group);
    if (blocker === null) row.is_schedule_active = true;
    else state.logs.push(`Failed to set schedule to active while creating flow (flow_id={flow_id}). ${blocker}`);
  }
  archiveOthers(inGroup(), row.id);
  return row.id;
}

function archiveOthers(flows: FlowRecord[], keepId: string): void {
  for (const f of flows) if (f.id !== keepId) f.archived = true;
}

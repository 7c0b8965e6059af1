/**
 * Root value for graphql-js `execute`: the query and mutation root fields prefect-git uses, over
 * the fake tables. Rows are exposed through "views" whose relationship and jsonb fields are
 * functions, which graphql-js's default resolver calls with the field arguments.
 */
import { randomUUID } from 'node:crypto';
import { decompressFlow } from '../../../src/prefect/payload.js';
import { PyFloat, type PyValue } from '../../../src/prefect/py-value.js';
import { type CreateFlowInput, createFlowFromCompressedString } from './register-flow.js';
import { type FakeState, type FlowGroupRow, type FlowRecord, type ProjectRow, type TenantRow, timestamp } from './state.js';
import { type SelectArgs, type TableDef, select } from './where.js';

/** What resolvers know about the request. */
export interface RequestContext {
  backend: 'server' | 'cloud';
  /** Cloud: the tenant the API key belongs to. */
  authTenantId: string | null;
  /** Extra per-payload rejection installed by a test (message → GraphQL error). */
  rejectFlow: ((flow: PyValue) => string | undefined) | undefined;
  /** Refuses other mutations by root field name (message → GraphQL error), for failure tests. */
  refuse?: ((field: string, input: Record<string, unknown>) => string | undefined) | undefined;
}

/** Root fields the fake implements; a request for any other root field is reported as a test failure. */
export const IMPLEMENTED_ROOT_FIELDS = new Set([
  'tenant',
  'project',
  'flow',
  'flow_by_pk',
  'auth_info',
  'secret_names',
  'create_project',
  'create_flow_from_compressed_string',
  'set_flow_group_description',
  'delete_project',
  '__typename',
]);

/** JSON-compatible copy of a decoded payload (PyFloat → number, bigint → number). */
function plain(value: PyValue): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Hasura's jsonb `path` argument: `$.a.b[0]` or `a.b`. */
function jsonb(value: unknown): (args: { path?: string | null }) => unknown {
  return ({ path }) => {
    if (path === undefined || path === null || path === '' || path === '$') return value;
    const parts = path.replace(/^\$\.?/, '').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
    let current: unknown = value;
    for (const part of parts) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : null;
    return current ?? null;
  };
}

const cols = (...names: string[]): ReadonlySet<string> => new Set(names);

/** The root value for one request (query and mutation fields share it; their names differ). */
export function createRootValue(state: FakeState, ctx: RequestContext): Record<string, unknown> {
  const tenantDef: TableDef = { name: 'tenant', columns: cols('id', 'name', 'slug', 'created'), relations: {} };
  const projectDef: TableDef = {
    name: 'project',
    columns: cols('id', 'name', 'tenant_id', 'created', 'description'),
    relations: { tenant: { def: () => tenantDef, row: (p) => state.tenants.find((t) => t.id === (p as ProjectRow).tenant_id) } },
  };
  const groupDef: TableDef = { name: 'flow_group', columns: cols('id', 'name', 'tenant_id', 'created'), relations: {} };
  const flowDef: TableDef = {
    name: 'flow',
    columns: cols('id', 'name', 'version', 'archived', 'project_id', 'tenant_id', 'flow_group_id', 'version_group_id', 'created', 'is_schedule_active'),
    relations: {
      project: { def: () => projectDef, row: (f) => state.projects.find((p) => p.id === (f as FlowRecord).project_id) },
      flow_group: { def: () => groupDef, row: (f) => state.flowGroups.find((g) => g.id === (f as FlowRecord).flow_group_id) },
    },
  };

  const tenantView = (t: TenantRow): object => ({ ...t });
  const projectView = (p: ProjectRow): object => ({
    ...p,
    flows: (args: SelectArgs) => select(flowDef, state.flows.filter((f) => f.project_id === p.id), args).map(flowView),
    tenant: () => {
      const t = state.tenants.find((x) => x.id === p.tenant_id);
      return t === undefined ? null : tenantView(t);
    },
  });
  const groupView = (g: FlowGroupRow): object => ({
    id: g.id,
    name: g.name,
    tenant_id: g.tenant_id,
    created: g.created,
    description: g.description,
    settings: jsonb(g.settings),
    schedule: jsonb(g.schedule),
    default_parameters: jsonb(g.default_parameters),
    labels: jsonb(g.labels),
  });
  const taskDef: TableDef = { name: 'task', columns: cols('slug', 'name'), relations: {} };
  // The `task` table holds one row per registered task (prefect1.md §8.3 step 7).
  const taskRows = (f: FlowRecord): Array<{ slug: string; name: string | null }> => {
    const tasks = (plain(f.serialized_flow) as { tasks?: unknown } | null)?.tasks;
    return (Array.isArray(tasks) ? tasks : []).flatMap((t: { slug?: unknown; name?: unknown }) =>
      typeof t.slug === 'string' ? [{ slug: t.slug, name: typeof t.name === 'string' ? t.name : null }] : [],
    );
  };
  const flowView = (f: FlowRecord): object => ({
    ...f,
    tasks: (args: SelectArgs) => select(taskDef, taskRows(f), args),
    serialized_flow: jsonb(plain(f.serialized_flow)),
    storage: jsonb(plain(f.storage)),
    run_config: jsonb(plain(f.run_config)),
    parameters: jsonb(plain(f.parameters)),
    schedule: jsonb(plain(f.schedule)),
    flow_group: () => groupView(state.flowGroups.find((g) => g.id === f.flow_group_id)!),
    project: () => projectView(state.projects.find((p) => p.id === f.project_id)!),
  });

  // Cloud scopes every table to the API key's tenant; Server shows everything.
  const visible = <R extends { tenant_id: string }>(rows: R[]): R[] =>
    ctx.backend === 'cloud' && ctx.authTenantId !== null ? rows.filter((r) => r.tenant_id === ctx.authTenantId) : rows;

  return {
    tenant: (args: SelectArgs) =>
      select(tenantDef, ctx.backend === 'cloud' && ctx.authTenantId !== null ? state.tenants.filter((t) => t.id === ctx.authTenantId) : state.tenants, args).map(tenantView),
    project: (args: SelectArgs) => select(projectDef, visible(state.projects), args).map(projectView),
    flow: (args: SelectArgs) => select(flowDef, visible(state.flows), args).map(flowView),
    flow_by_pk: ({ id }: { id: string }) => {
      const f = visible(state.flows).find((x) => x.id === id);
      return f === undefined ? null : flowView(f);
    },
    auth_info: () => ({ tenant_id: ctx.authTenantId, user_id: null, role_id: null, permissions: [], license: null }),
    // Cloud only (the Server schema has no such field, so validation refuses it there first).
    secret_names: () => [...state.secrets],

    create_project: ({ input }: { input: { tenant_id: string; name: string; description?: string | null } }) => {
      if (!state.tenants.some((t) => t.id === input.tenant_id)) throw new Error('Foreign key violation.');
      if (state.projects.some((p) => p.tenant_id === input.tenant_id && p.name === input.name)) throw new Error('Uniqueness violation.');
      const row: ProjectRow = { id: randomUUID(), tenant_id: input.tenant_id, name: input.name, description: input.description ?? null, created: timestamp(state) };
      state.projects.push(row);
      return { id: row.id };
    },

    // Prefect Server answers `success: false` when no row was changed (api/flow_groups.py, api/projects.py).
    set_flow_group_description: ({ input }: { input: { flow_group_id: string; description?: string | null } }) => {
      const refused = ctx.refuse?.('set_flow_group_description', input);
      if (refused !== undefined) throw new Error(refused);
      const group = visible(state.flowGroups).find((g) => g.id === input.flow_group_id);
      if (group === undefined) return { success: false, error: null };
      group.description = input.description ?? null;
      return { success: true, error: null };
    },

    delete_project: ({ input }: { input: { project_id: string } }) => {
      const refused = ctx.refuse?.('delete_project', input);
      if (refused !== undefined) throw new Error(refused);
      const project = visible(state.projects).find((p) => p.id === input.project_id);
      if (project === undefined) return { success: false, error: null };
      // Flows go with their project (ON DELETE CASCADE).
      state.projects.splice(state.projects.indexOf(project), 1);
      for (let i = state.flows.length - 1; i >= 0; i--) if (state.flows[i]!.project_id === project.id) state.flows.splice(i, 1);
      return { success: true, error: null };
    },

    create_flow_from_compressed_string: ({ input }: { input: CreateFlowInput }) => {
      if (ctx.rejectFlow !== undefined) {
        const message = ctx.rejectFlow(decompressFlow(input.serialized_flow));
        if (message !== undefined) throw new Error(message);
      }
      return { id: createFlowFromCompressedString(state, input) };
    },
  };
}

/**
 * The `PrefectApi` methods: each sends one named GraphQL operation through the client's transport
 * and reads the answer into typed rows. No HTTP here: `send` comes from `client.ts`, which owns
 * headers, timeouts, retries and error reporting.
 */
import { PrefectGitError } from '../errors.js';
import {
  AUTH_INFO,
  CREATE_FLOW_FROM_COMPRESSED_STRING,
  CREATE_PROJECT,
  DELETE_PROJECT,
  FIND_PROJECT,
  FLOWS_BY_IDS,
  LATEST_FLOW_VERSIONS,
  PROJECTS_WITH_FLOWS,
  REGISTERED_FLOWS,
  SECRET_NAMES,
  SET_FLOW_GROUP_DESCRIPTION,
  setFlowGroupDescriptionsDocument,
  TENANTS,
} from './operations.js';
import { assertSuccess, isRecord, list, str, toFlowRow, toProject, toStorageRef, toTaskSlugs, toTenant, unexpected } from './rows.js';
import type { FlowRow, FlowVersion, PrefectApi, PrefectApiOptions, Tenant } from './types.js';

/** What the methods need from the client: where it points, and a way to send one operation. */
export interface Transport {
  /** The API URL without credentials, for messages. */
  displayUrl: string;
  /**
   * Sends `document` and resolves to its `data` object. `idempotent` says whether sending it again
   * after a lost answer is safe (see `shouldRetry`). Throws `PrefectGitError` on any failure.
   */
  send: <T>(document: string, variables: Record<string, unknown>, idempotent: boolean) => Promise<T>;
}

/** The `PrefectApi` over `transport`; `options` supplies the backend and the configured tenant. */
export function buildPrefectApi(options: PrefectApiOptions, transport: Transport): PrefectApi {
  const { send } = transport;

  async function tenants(): Promise<Tenant[]> {
    const data = await send<{ tenant: unknown }>(TENANTS, {}, true);
    return list(data.tenant, 'tenant').map(toTenant);
  }

  async function defaultTenantId(): Promise<string> {
    if (options.tenantId) return options.tenantId;
    if (options.backend === 'cloud') {
      const data = await send<{ auth_info: { tenant_id?: unknown } | null }>(AUTH_INFO, {}, true);
      const id = data.auth_info?.tenant_id;
      if (typeof id === 'string' && id !== '') return id;
      // Prefect 1.4.1 says the same: only old API tokens come back without a tenant.
      throw new PrefectGitError('E_API_AUTH', 'Prefect Cloud reports no tenant for these credentials', {
        hint: 'An API token was probably used as an API key; create an API key with `prefect auth create-key`',
      });
    }
    const first = (await tenants())[0];
    if (first === undefined) {
      throw new PrefectGitError('E_API', `Prefect Server at ${transport.displayUrl} has no tenant`, {
        hint: 'Create one with `prefect server create-tenant --name default --slug default`',
      });
    }
    return first.id;
  }

  const api: PrefectApi = {
    backend: options.backend,
    displayUrl: transport.displayUrl,

    async findProject(name) {
      const data = await send<{ project: unknown; tenant: unknown }>(FIND_PROJECT, { name }, true);
      const row = list(data.project, 'project')[0];
      return { project: row === undefined ? null : toProject(row), tenants: list(data.tenant, 'tenant').map(toTenant) };
    },

    async createProject(name, projectOptions = {}) {
      const tenantId = projectOptions.tenantId ?? (await defaultTenantId());
      const input = { tenant_id: tenantId, name, description: projectOptions.description ?? null };
      try {
        const data = await send<{ create_project: { id?: unknown } | null }>(CREATE_PROJECT, { input }, true);
        return { id: str(data.create_project?.id, 'create_project.id'), name, tenantId };
      } catch (error) {
        // Another run created it first (or our own earlier attempt did): use that one, as Prefect does.
        if (!(error instanceof PrefectGitError) || !error.message.includes('Uniqueness violation.')) throw error;
        const { project } = await api.findProject(name);
        if (project === null) throw error;
        return project;
      }
    },

    async latestFlowVersions(projectId, names) {
      const result = new Map<string, FlowVersion>();
      const unique = [...new Set(names)];
      if (unique.length === 0) return result;
      const data = await send<{ flow: unknown }>(LATEST_FLOW_VERSIONS, { projectId, names: unique }, true);
      for (const row of list(data.flow, 'flow')) {
        const flow = toFlowRow(row);
        const group = (row as { flow_group?: { settings?: unknown; description?: unknown } | null }).flow_group;
        const settings = group?.settings;
        const key = isRecord(settings) && typeof settings.idempotency_key === 'string' ? settings.idempotency_key : '';
        if (!result.has(flow.name)) {
          result.set(flow.name, {
            ...flow,
            idempotencyKey: key === '' ? null : key,
            storage: toStorageRef(row.storage),
            scheduleActive: row.is_schedule_active === true,
            flowGroupDescription: typeof group?.description === 'string' && group.description !== '' ? group.description : null,
          });
        }
      }
      return result;
    },

    async createFlowFromCompressedString(input) {
      const variables = {
        input: {
          project_id: input.projectId,
          serialized_flow: input.serializedFlow,
          set_schedule_active: input.setScheduleActive,
          // Left out entirely with --force, exactly like `prefect register`.
          ...(input.idempotencyKey === undefined ? {} : { idempotency_key: input.idempotencyKey }),
        },
      };
      const idempotent = input.idempotencyKey !== undefined;
      const data = await send<{ create_flow_from_compressed_string: { id?: unknown } | null }>(
        CREATE_FLOW_FROM_COMPRESSED_STRING,
        variables,
        idempotent,
      );
      return str(data.create_flow_from_compressed_string?.id, 'create_flow_from_compressed_string.id');
    },

    async flowsByIds(ids) {
      const result = new Map<string, FlowRow>();
      const unique = [...new Set(ids)];
      if (unique.length === 0) return result;
      const data = await send<{ flow: unknown }>(FLOWS_BY_IDS, { ids: unique }, true);
      for (const row of list(data.flow, 'flow')) {
        const flow = toFlowRow(row);
        result.set(flow.id, flow);
      }
      return result;
    },

    async registeredFlows(projectId) {
      const data = await send<{ flow: unknown }>(REGISTERED_FLOWS, { projectId }, true);
      return list(data.flow, 'flow').map((row) => ({
        ...toFlowRow(row),
        storage: row.storage ?? null,
        parameters: row.parameters ?? null,
        taskSlugs: toTaskSlugs(row.tasks),
      }));
    },

    async setFlowGroupDescription(flowGroupId, description) {
      // Idempotent: setting the same text twice is harmless, so transport failures are retried.
      const data = await send<{ set_flow_group_description: unknown }>(SET_FLOW_GROUP_DESCRIPTION, { input: { flow_group_id: flowGroupId, description } }, true);
      assertSuccess(data.set_flow_group_description, 'set_flow_group_description');
    },

    async setFlowGroupDescriptions(items) {
      if (items.length === 0) return [];
      const variables: Record<string, unknown> = {};
      items.forEach((item, i) => (variables[`i${i}`] = { flow_group_id: item.flowGroupId, description: item.description }));
      const data = await send<Record<string, unknown>>(setFlowGroupDescriptionsDocument(items.length), variables, true);
      return items.filter((_, i) => !(isRecord(data[`d${i}`]) && data[`d${i}`] !== null && (data[`d${i}`] as { success?: unknown }).success === true)).map((item) => item.flowGroupId);
    },

    async projectsWithFlows() {
      const data = await send<{ project: unknown }>(PROJECTS_WITH_FLOWS, {}, true);
      return list(data.project, 'project').map((row) => ({
        ...toProject(row),
        flows: list(row.flows ?? [], 'project.flows').map((flow) => ({ name: str(flow.name, 'flow.name'), storage: toStorageRef(flow.storage) })),
      }));
    },

    async deleteProject(projectId) {
      // Not retried on a lost answer: the retry would fail on a project that is already gone.
      const data = await send<{ delete_project: unknown }>(DELETE_PROJECT, { input: { project_id: projectId } }, false);
      assertSuccess(data.delete_project, 'delete_project');
    },

    tenants,

    async tenantSlug(tenantId) {
      const all = await tenants();
      const wanted = tenantId ?? options.tenantId;
      const match = wanted === undefined ? all[0] : all.find((t) => t.id === wanted);
      return match?.slug ?? null;
    },

    async secretNames() {
      const data = await send<{ secret_names: unknown }>(SECRET_NAMES, {}, true);
      // Cloud answers null for a tenant that never had a secret.
      const names: unknown = data.secret_names ?? [];
      if (!Array.isArray(names) || names.some((name: unknown) => typeof name !== 'string')) throw unexpected('secret_names');
      return names as string[];
    },
  };
  return api;
}

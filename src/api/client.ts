/**
 * The Prefect 1.x GraphQL client: the only module that imports graphql-request and the only one
 * that does HTTP. It adds Prefect's headers, retries transient failures, and turns every failure
 * into a `PrefectGitError` that names the operation and variable names, never values or secrets.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { PrefectGitError } from '../errors.js';
import { displayUrl, splitUrlCredentials } from './endpoints.js';
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
  operationName,
} from './operations.js';
import {
  type DescribedFailure,
  type FailureContext,
  describeMalformed,
  describeNetwork,
  describeResponseError,
  describeTimeout,
  failureLabel,
  realSleep,
  retryDelayMs,
  shouldRetry,
} from './retry.js';
import { assertSuccess, isRecord, list, str, toFlowRow, toProject, toStorageRef, toTaskSlugs, toTenant, unexpected } from './rows.js';
import type { FlowRow, FlowVersion, PrefectApi, PrefectApiOptions, Tenant } from './types.js';

/** The Prefect core version our payloads are built as, sent like the Python client does. */
const CORE_VERSION = '1.4.1';

type Variables = Record<string, unknown>;
type Attempt<T> = { ok: true; data: T; status: number | null } | DescribedFailure;

/**
 * Builds the API client. Nothing is sent until a method is called.
 *
 * @throws PrefectGitError E_CONFIG when `url` is not an http(s) URL.
 */
export function createPrefectApi(options: PrefectApiOptions): PrefectApi {
  const transport = createTransport(options);
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
        const group = (row as { flow_group?: { settings?: unknown } | null }).flow_group;
        const settings = group?.settings;
        const key = isRecord(settings) && typeof settings.idempotency_key === 'string' ? settings.idempotency_key : '';
        if (!result.has(flow.name)) {
          result.set(flow.name, {
            ...flow,
            idempotencyKey: key === '' ? null : key,
            storage: toStorageRef(row.storage),
            scheduleActive: row.is_schedule_active === true,
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

interface Transport {
  displayUrl: string;
  send: <T>(document: string, variables: Variables, idempotent: boolean) => Promise<T>;
}

function createTransport(options: PrefectApiOptions): Transport {
  const shown = displayUrl(options.url);
  let split: ReturnType<typeof splitUrlCredentials>;
  try {
    split = splitUrlCredentials(options.url);
    if (!/^https?:$/.test(new URL(split.url).protocol)) throw new TypeError('not http(s)');
  } catch {
    throw new PrefectGitError('E_CONFIG', `The Prefect API URL is not a valid http(s) URL: ${shown}`, {
      hint: 'Use e.g. http://localhost:4200 (Prefect Server) or https://api.prefect.io (Prefect Cloud)',
    });
  }
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-PREFECT-CORE-VERSION': options.coreVersion ?? CORE_VERSION,
  };
  if (apiKey !== undefined) {
    headers.Authorization = `Bearer ${apiKey}`;
    if (options.tenantId) headers['X-PREFECT-TENANT-ID'] = options.tenantId;
  } else if (split.basicAuth !== null) {
    headers.Authorization = `Basic ${split.basicAuth}`;
  }
  const secrets = secretForms([apiKey, split.basicAuth, ...userInfo(options.url)]);
  const scrub = (text: string): string => secrets.reduce((acc, s) => acc.split(s).join('***'), text);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.retries ?? 5;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const ctx: FailureContext = { url: shown, backend: options.backend, hasKey: apiKey !== undefined, scrub, timeoutMs };

  async function attemptOnce<T>(document: string, variables: Variables, operation: string): Promise<Attempt<T>> {
    let status: number | null = null;
    let retryAfter: string | null = null;
    let fetchError: unknown;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const recordingFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetchImpl(input, init);
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        return response;
      } catch (error) {
        fetchError = error;
        throw error;
      }
    };
    const client = new GraphQLClient(split.url, { fetch: recordingFetch, headers });
    try {
      const data = await client.request<T>({ document, variables, signal: controller.signal });
      return { ok: true, data, status };
    } catch (error) {
      if (controller.signal.aborted) return describeTimeout(ctx, operation);
      if (fetchError !== undefined) return describeNetwork(ctx, operation, fetchError);
      if (error instanceof ClientError) {
        // Only status and `errors` are read: the ClientError's own message embeds the whole request.
        return describeResponseError(ctx, operation, variables, error.response.status, error.response.errors, retryAfter);
      }
      return describeMalformed(ctx, operation, status);
    } finally {
      clearTimeout(timer);
    }
  }

  async function send<T>(document: string, variables: Variables, idempotent: boolean): Promise<T> {
    const operation = operationName(document);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const outcome = await attemptOnce<T>(document, variables, operation);
      const ms = Math.round(performance.now() - started);
      if (outcome.ok) {
        options.onRequest?.({ operation, attempt, status: outcome.status, ms, willRetry: false });
        if (!isRecord(outcome.data)) throw unexpected(`data of ${operation}`);
        return outcome.data;
      }
      const { failure } = outcome;
      const willRetry = failure !== null && attempt <= retries && shouldRetry(failure, idempotent);
      const status = typeof outcome.error.details?.status === 'number' ? outcome.error.details.status : null;
      options.onRequest?.({ operation, attempt, status, ms, failure: failureLabel(failure), willRetry });
      if (!willRetry) throw attempt > 1 ? withAttempts(outcome.error, attempt) : outcome.error;
      await sleep(retryDelayMs(attempt, failure, random, now));
    }
  }

  return { displayUrl: shown, send };
}

function withAttempts(error: PrefectGitError, attempts: number): PrefectGitError {
  return new PrefectGitError(error.code, `${error.message} (after ${attempts} attempts)`, {
    hint: error.hint,
    cause: error.cause,
    details: { ...error.details, attempts },
  });
}

/** The key as sent, URL-encoded and base64-encoded, so none of them can leak into messages. */
function secretForms(values: ReadonlyArray<string | null | undefined>): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined || value.length < 4) continue;
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(Buffer.from(value, 'utf8').toString('base64'));
    forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  }
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

function userInfo(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [parsed.username, parsed.password, decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)];
  } catch {
    return [];
  }
}

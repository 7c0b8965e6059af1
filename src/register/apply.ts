/**
 * Applying a plan: create the project if planned, send one `create_flow_from_compressed_string`
 * per new or changed flow with bounded concurrency, then read versions and flow groups back in a
 * single request. A failing flow is recorded and the others go on.
 */
import { flowUiUrl } from '../api/endpoints.js';
import type { FlowRow, PrefectApi } from '../api/types.js';
import { PrefectGitError, isPrefectGitError } from '../errors.js';
import { compressFlow } from '../prefect/payload.js';
import type { PyObject } from '../prefect/py-value.js';
import type { ApplyResult, FlowResult, FlowToRegister, PlanItem, RegisterEvent, RegistrationPlan } from './types.js';

/** Inputs of `applyPlan`. */
export interface ApplyOptions {
  api: PrefectApi;
  plan: RegistrationPlan;
  /** The flows the plan was made from (matched by name). */
  flows: readonly FlowToRegister[];
  /** `set_schedule_active` for every flow, or per plan item (`--schedule keep`, schedule-mode.ts). */
  setScheduleActive: boolean | ((item: PlanItem) => boolean);
  /** Send every flow without an idempotency key (default: the plan's `force`). */
  force?: boolean | undefined;
  /** Flows in flight at once; default 4. */
  concurrency?: number | undefined;
  /** UI base for flow URLs (Server: `server.ui.endpoint`, default http://localhost:8080). */
  uiUrl?: string | undefined;
  onEvent?: ((event: RegisterEvent) => void) | undefined;
  /** Payload encoder; default `compressFlow`. */
  compress?: ((flow: PyObject) => string) | undefined;
}

interface Sent {
  item: PlanItem;
  flowId?: string;
  error?: FlowResult['error'];
}

/**
 * Registers what the plan says. "skipped" means the server answered with the id of the existing
 * version (Prefect's own notion, prefect1.md §4.6); unchanged flows are not sent at all unless
 * forced, and are reported as skipped too. `refused` items (the branch guard) are not sent and are
 * reported failed with their refusal.
 *
 * @returns per-flow results in plan order, and counts. Flow failures are data, not exceptions.
 * @throws PrefectGitError only when nothing can be registered: the project cannot be created
 *   (E_API*; E_API also when Server has no tenant), or a plan item has no matching flow (E_INTERNAL).
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { api, plan } = options;
  const force = options.force ?? plan.force;
  const emit = options.onEvent ?? ((): void => undefined);
  const compress = options.compress ?? compressFlow;
  const byName = new Map(options.flows.map((f) => [f.name, f]));
  for (const item of plan.items) {
    if (!byName.has(item.name)) throw new PrefectGitError('E_INTERNAL', `The plan names flow '${item.name}', which was not given to apply`);
  }

  let projectId = plan.project.id;
  let tenantId = plan.project.tenantId;
  let created = false;
  if (projectId === null) {
    const project = await api.createProject(plan.project.name, tenantId === null ? {} : { tenantId });
    projectId = project.id;
    tenantId = project.tenantId ?? tenantId;
    created = true;
    emit({ type: 'project-created', name: project.name, id: project.id });
  }

  const toSend = plan.items.filter((item) => item.action !== 'refused' && (force || item.action !== 'unchanged'));
  const scheduleFor = (item: PlanItem): boolean =>
    typeof options.setScheduleActive === 'function' ? options.setScheduleActive(item) : options.setScheduleActive;
  let stop: PrefectGitError | null = null;
  const sent = await runPool(toSend, options.concurrency ?? 4, async (item): Promise<Sent> => {
    // When the API is gone or refuses us, the remaining flows would only repeat the same failure
    // slowly (each with its own retries), so they are reported failed without being sent.
    if (stop !== null) return { item, error: { code: stop.code, message: `not sent: ${stop.message}` } };
    const flow = byName.get(item.name)!;
    emit({ type: 'flow-start', name: item.name, flowPath: item.flowPath });
    try {
      const flowId = await api.createFlowFromCompressedString({
        projectId: projectId,
        serializedFlow: compress(flow.serialized),
        setScheduleActive: scheduleFor(item),
        idempotencyKey: force ? undefined : flow.idempotencyKey,
      });
      emit({ type: 'flow-sent', name: item.name, flowPath: item.flowPath, flowId });
      return { item, flowId };
    } catch (error) {
      if (isFatal(error)) stop ??= error;
      return { item, error: flowError(error) };
    }
  });

  const rows = await readBack(api, sent, emit);
  const slug = await tenantSlugFor(api, plan, tenantId, emit);
  const url = (flowGroupId: string | null): string | null =>
    slug === null || flowGroupId === null ? null : flowUiUrl({ backend: api.backend, apiUrl: api.displayUrl, uiUrl: options.uiUrl, tenantSlug: slug, flowGroupId });

  const sentByName = new Map(sent.map((s) => [s.item.name, s]));
  const flows = plan.items.map((item): FlowResult => {
    const base = { name: item.name, flowPath: item.flowPath };
    const s = sentByName.get(item.name);
    const latest = item.latest;
    if (item.refusal !== undefined) {
      return { ...base, status: 'failed', flowId: null, version: null, flowGroupId: null, url: null, error: { ...item.refusal } };
    }
    if (s === undefined) {
      // Planned unchanged and not forced: nothing sent, the existing version stands.
      return { ...base, status: 'skipped', flowId: latest?.id ?? null, version: latest?.version ?? null, flowGroupId: latest?.flowGroupId ?? null, url: url(latest?.flowGroupId ?? null) };
    }
    if (s.flowId === undefined) {
      return { ...base, status: 'failed', flowId: null, version: null, flowGroupId: null, url: null, ...(s.error === undefined ? {} : { error: s.error }) };
    }
    const row = rows.get(s.flowId);
    const skipped =
      latest !== undefined &&
      (s.flowId === latest.id || (row !== undefined && row.flowGroupId === latest.flowGroupId && row.version <= latest.version));
    // Without the read-back, fall back to what `prefect register` prints: previous version + 1.
    const version = row?.version ?? (skipped ? latest.version : (latest?.version ?? 0) + 1);
    const flowGroupId = row?.flowGroupId ?? latest?.flowGroupId ?? null;
    return { ...base, status: skipped ? 'skipped' : 'registered', flowId: s.flowId, version, flowGroupId, url: url(flowGroupId) };
  });
  for (const result of flows) emit({ type: 'flow-done', result });

  const count = (status: FlowResult['status']): number => flows.filter((f) => f.status === status).length;
  return {
    project: { name: plan.project.name, id: projectId, created },
    flows,
    summary: { registered: count('registered'), skipped: count('skipped'), failed: count('failed') },
  };
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
async function runPool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  const width = Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 1;
  await Promise.all(Array.from({ length: Math.min(width, Math.max(1, items.length)) }, worker));
  return results;
}

/** Version and flow group of every sent flow, in one request; a failure only costs detail. */
async function readBack(api: PrefectApi, sent: readonly Sent[], emit: (e: RegisterEvent) => void): Promise<Map<string, FlowRow>> {
  const ids = sent.flatMap((s) => (s.flowId === undefined ? [] : [s.flowId]));
  if (ids.length === 0) return new Map();
  try {
    return await api.flowsByIds(ids);
  } catch (error) {
    emit({ type: 'warning', message: `Flows were registered, but reading their versions back failed: ${flowError(error).message}` });
    return new Map();
  }
}

async function tenantSlugFor(api: PrefectApi, plan: RegistrationPlan, tenantId: string | null, emit: (e: RegisterEvent) => void): Promise<string | null> {
  if (plan.tenant !== null && (tenantId === null || plan.tenant.id === tenantId)) return plan.tenant.slug;
  try {
    return await api.tenantSlug(tenantId ?? undefined);
  } catch (error) {
    emit({ type: 'warning', message: `No flow URLs: the tenant lookup failed: ${flowError(error).message}` });
    return null;
  }
}

/** No response at all (network down, timeout) or credentials refused: the rest would fail too. */
function isFatal(error: unknown): error is PrefectGitError {
  if (!isPrefectGitError(error)) return false;
  if (error.code === 'E_API_AUTH') return true;
  return error.code === 'E_API_UNREACHABLE' && error.details?.status === undefined;
}

function flowError(error: unknown): NonNullable<FlowResult['error']> {
  if (isPrefectGitError(error)) {
    return error.hint === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, hint: error.hint };
  }
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

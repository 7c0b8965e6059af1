/**
 * `register()` for library users: plan, then apply, in one call, the way `prefect-git register`
 * does after loading. A small wrapper of its own (not part of src/register/) so the library's
 * signature stays put while the CLI's register options grow.
 */
import type { PrefectApi } from '../api/types.js';
import type { PyObject } from '../prefect/py-value.js';
import { idempotencyKey } from '../prefect/payload.js';
import { applyPlan } from '../register/apply.js';
import { planRegistration } from '../register/plan.js';
import type { ApplyResult, FlowToRegister, RegisterEvent, RegistrationPlan } from '../register/types.js';

/** A flow to register: a loader's `LoadedFlow` fits as it is; the key is computed when absent. */
export interface RegisterFlowInput {
  name: string;
  /** Repository-relative path of the flow's file (for reports). */
  flowPath: string;
  /** The serialized flow, exactly as Prefect 1.4.1's `flow.serialize(build=False)`. */
  serialized: PyObject;
  /** `prefect register`'s key; computed with `idempotencyKey(serialized)` when absent. */
  idempotencyKey?: string | undefined;
}

/** Options of {@link register}. */
export interface RegisterOptions {
  /** A client from `createPrefectApi`. */
  api: PrefectApi;
  /** The project to register into (placeholders already expanded). */
  projectName: string;
  flows: readonly RegisterFlowInput[];
  /** Create the project when it does not exist (default false: E_PROJECT_NOT_FOUND). */
  createProject?: boolean | undefined;
  /** Register a new version of every flow, sending no idempotency key (default false). */
  force?: boolean | undefined;
  /** `set_schedule_active` of every flow (default true, like `prefect register`). */
  setScheduleActive?: boolean | undefined;
  /** Registrations in flight at once (default 4). */
  concurrency?: number | undefined;
  /** Prefect Server's UI base, for flow URLs in the results (Cloud URLs need none). */
  uiUrl?: string | undefined;
  /** Plan only: nothing is sent that changes the server (`result` is null). */
  dryRun?: boolean | undefined;
  /** Progress events while applying. */
  onEvent?: ((event: RegisterEvent) => void) | undefined;
}

/** What {@link register} returns: the plan, and unless `dryRun` what applying it did. */
export interface RegisterResult {
  plan: RegistrationPlan;
  result: ApplyResult | null;
}

/**
 * Registers flows with Prefect Server or Cloud: plans against the server (new, changed or
 * unchanged per flow, in one lookup), then creates the project if asked and sends the new and
 * changed flows. Unchanged flows are not sent.
 *
 * @returns the plan and the per-flow results (`registered`, `skipped` or `failed`); a failing
 *   flow is data in the result, not an exception.
 * @throws PrefectGitError E_PROJECT_NOT_FOUND (no project and no `createProject`), E_USAGE (two
 *   flows with one name), E_API* when the server cannot be used at all.
 */
export async function register(options: RegisterOptions): Promise<RegisterResult> {
  const flows: FlowToRegister[] = options.flows.map((flow) => ({
    name: flow.name,
    flowPath: flow.flowPath,
    serialized: flow.serialized,
    idempotencyKey: flow.idempotencyKey ?? idempotencyKey(flow.serialized),
  }));
  const force = options.force ?? false;
  const plan = await planRegistration({ api: options.api, projectName: options.projectName, createProject: options.createProject ?? false, flows, force });
  if (options.dryRun === true) return { plan, result: null };
  const result = await applyPlan({
    api: options.api,
    plan,
    flows,
    force,
    setScheduleActive: options.setScheduleActive ?? true,
    concurrency: options.concurrency,
    uiUrl: options.uiUrl,
    onEvent: options.onEvent,
  });
  return { plan, result };
}

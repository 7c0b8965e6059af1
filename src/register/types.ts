/**
 * Data types of the register step: what goes in (flows ready to send), the plan (what the server
 * has and what will change), and what apply reports. Plain data, so the CLI can render it as text
 * or JSON.
 */
import type { StorageRef } from '../api/types.js';
import type { ErrorCode } from '../errors.js';
import type { PyObject } from '../prefect/py-value.js';

/** A serialized flow ready to register. */
export interface FlowToRegister {
  name: string;
  /** Repo-relative path of the file the flow came from (for reports). */
  flowPath: string;
  /** Exactly what Prefect 1.4.1's `flow.serialize(build=False)` returns. */
  serialized: PyObject;
  /** `sha256(json.dumps(serialized, sort_keys=True))` (`idempotencyKey` of prefect/payload.ts). */
  idempotencyKey: string;
}

/** What registering a flow will do; `refused` flows are not sent (see `refusal`). */
export type PlanAction = 'new' | 'changed' | 'unchanged' | 'refused';

/** The newest registered version of a flow name. */
export interface LatestVersion {
  id: string;
  version: number;
  flowGroupId: string;
  archived: boolean;
  /** Whether its schedule is on (what `--schedule keep` keeps). */
  scheduleActive: boolean;
  /** Which ref its runs clone (branch_name / tag of its storage). */
  storage: StorageRef | null;
  /** Its flow group's description as planned against (provenance.ts keeps the user's part). */
  flowGroupDescription: string | null;
}

/** One flow in the plan. */
export interface PlanItem {
  name: string;
  flowPath: string;
  /** `unchanged` flows are not sent (unless forced, in which case they are planned as `changed`). */
  action: PlanAction;
  /** One human sentence saying why. */
  reason: string;
  latest?: LatestVersion;
  /** Why the flow is `refused` (the error its result carries). */
  refusal?: { code: ErrorCode; message: string; hint: string };
  /** Something the user should know although the flow goes ahead (e.g. a ref change allowed by flag). */
  warning?: string;
}

/** The project the flows go to. */
export interface PlanProject {
  name: string;
  /** Null when it does not exist yet (then `willCreate` is true). */
  id: string | null;
  willCreate: boolean;
  tenantId: string | null;
}

/** The result of `planRegistration`. */
export interface RegistrationPlan {
  project: PlanProject;
  /** The project's tenant (for UI URLs), when known. */
  tenant: { id: string; slug: string } | null;
  items: PlanItem[];
  force: boolean;
}

/** Final state of one flow after apply. */
export type FlowStatus = 'registered' | 'skipped' | 'failed';

/** What apply reports per flow. */
export interface FlowResult {
  name: string;
  flowPath: string;
  status: FlowStatus;
  flowId: string | null;
  version: number | null;
  flowGroupId: string | null;
  /** The flow's page in the UI (`<ui>/<tenant slug>/flow/<flow group id>`), when known. */
  url: string | null;
  error?: { code: ErrorCode; message: string; hint?: string };
}

/** Counts per status. */
export interface ApplySummary {
  registered: number;
  skipped: number;
  failed: number;
}

/** The result of `applyPlan`. */
export interface ApplyResult {
  project: { name: string; id: string; created: boolean };
  /** In plan order. */
  flows: FlowResult[];
  summary: ApplySummary;
}

/** Progress events of `applyPlan` (for spinners and logs; results are also returned). */
export type RegisterEvent =
  | { type: 'project-created'; name: string; id: string }
  | { type: 'flow-start'; name: string; flowPath: string }
  | { type: 'flow-sent'; name: string; flowPath: string; flowId: string }
  | { type: 'flow-done'; result: FlowResult }
  | { type: 'warning'; message: string };

/**
 * The fake server's tables, shaped like Prefect Server's Postgres rows (only the columns that
 * registration reads or writes).
 */
import { randomUUID } from 'node:crypto';
import type { PyValue } from '../../../src/prefect/py-value.js';

export interface TenantRow {
  id: string;
  name: string;
  slug: string;
  created: string;
}

export interface ProjectRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  created: string;
}

export interface FlowGroupRow {
  id: string;
  tenant_id: string;
  /** The version group id (Prefect stores it as the group's name). */
  name: string;
  settings: Record<string, unknown>;
  schedule: unknown;
  default_parameters: Record<string, unknown>;
  labels: string[] | null;
  description: string | null;
  created: string;
}

export interface FlowRecord {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  version: number;
  version_group_id: string;
  flow_group_id: string;
  archived: boolean;
  is_schedule_active: boolean;
  /** The decompressed payload exactly as decoded (PyFloat kept), for golden comparisons. */
  serialized_flow: PyValue;
  core_version: string | null;
  storage: PyValue;
  run_config: PyValue;
  parameters: PyValue;
  schedule: PyValue;
  description: string | null;
  created: string;
}

export interface FakeState {
  tenants: TenantRow[];
  projects: ProjectRow[];
  flowGroups: FlowGroupRow[];
  flows: FlowRecord[];
  /** Cloud: names of the tenant's secrets (values are never read by prefect-git). */
  secrets: string[];
  /** Server-side log lines (e.g. the swallowed schedule error of prefect1.md §8.3 step 10). */
  logs: string[];
  /** Monotonic clock, so `created` orders rows even within one millisecond. */
  clock: number;
}

/** A fresh state with one tenant, as `prefect server create-tenant` leaves it. */
export function createState(tenantSlug = 'default'): FakeState {
  const state: FakeState = { tenants: [], projects: [], flowGroups: [], flows: [], secrets: [], logs: [], clock: Date.UTC(2024, 0, 1) };
  state.tenants.push({ id: randomUUID(), name: tenantSlug, slug: tenantSlug, created: timestamp(state) });
  return state;
}

/** The next `created` timestamp (1 ms after the previous one). */
export function timestamp(state: FakeState): string {
  state.clock += 1;
  return new Date(state.clock).toISOString();
}

/** Adds a project directly (test setup). */
export function addProject(state: FakeState, name: string, tenantId = state.tenants[0]!.id): ProjectRow {
  const row: ProjectRow = { id: randomUUID(), tenant_id: tenantId, name, description: null, created: timestamp(state) };
  state.projects.push(row);
  return row;
}

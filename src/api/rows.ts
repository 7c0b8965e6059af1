/**
 * Reading response rows into typed data. Pure (no HTTP): a field of the wrong type is E_API, and
 * the jsonb storage columns (any shape may come back) become nulls instead of a crash.
 */
import { PrefectGitError } from '../errors.js';
import type { FlowRow, Project, StorageRef, Tenant } from './types.js';

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The ref fields of a stored storage object (`type`, `branch_name`, `tag`, `repo_host`, `repo`).
 * Returns null when the flow has no storage object at all.
 */
export function toStorageRef(storage: unknown): StorageRef | null {
  if (!isRecord(storage)) return null;
  return {
    type: text(storage.type),
    branchName: text(storage.branch_name),
    tag: text(storage.tag),
    repoHost: text(storage.repo_host),
    repo: text(storage.repo),
  };
}

/** The slugs of a flow row's `tasks { slug }` list; rows without a slug are left out. */
export function toTaskSlugs(tasks: unknown): string[] {
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((task) => (isRecord(task) && typeof task.slug === 'string' ? [task.slug] : []));
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** E_API for a response field that is missing or of the wrong type. */
export function unexpected(what: string): PrefectGitError {
  return new PrefectGitError('E_API', `Unexpected response from the Prefect API: ${what} is missing or has the wrong type`, {
    hint: 'Check that the API URL points at Prefect Server or Cloud 1.x',
  });
}

/** `value` as a list of objects, or E_API. */
export function list(value: unknown, what: string): Record<string, unknown>[] {
  if (!Array.isArray(value) || !value.every(isRecord)) throw unexpected(what);
  return value;
}

/** `value` as a non-empty string, or E_API. */
export function str(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw unexpected(what);
  return value;
}

/** `success_payload`: `success: false` (with the server's `error`) is a refusal, not a transport failure. */
export function assertSuccess(payload: unknown, operation: string): void {
  if (!isRecord(payload)) throw unexpected(operation);
  if (payload.success === true) return;
  const reason = typeof payload.error === 'string' && payload.error !== '' ? payload.error : 'success: false';
  throw new PrefectGitError('E_API_GRAPHQL', `${operation} was refused: ${reason}`, {
    hint: 'Check that the object still exists and that the API key may change it',
  });
}

/** A `tenant` row. */
export function toTenant(row: Record<string, unknown>): Tenant {
  return { id: str(row.id, 'tenant.id'), slug: str(row.slug, 'tenant.slug') };
}

/** A `project` row. */
export function toProject(row: Record<string, unknown>): Project {
  const tenantId = typeof row.tenant_id === 'string' ? row.tenant_id : null;
  return { id: str(row.id, 'project.id'), name: str(row.name, 'project.name'), tenantId };
}

/** A `flow` row (id, name, version, flow group, archived). */
export function toFlowRow(row: Record<string, unknown>): FlowRow {
  if (typeof row.version !== 'number') throw unexpected('flow.version');
  return {
    id: str(row.id, 'flow.id'),
    name: str(row.name, 'flow.name'),
    version: row.version,
    flowGroupId: str(row.flow_group_id, 'flow.flow_group_id'),
    archived: row.archived === true,
  };
}

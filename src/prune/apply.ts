/** Deleting the projects a prune plan marks `delete`, one request each; failures are kept per project. */
import type { PrefectApi } from '../api/types.js';
import type { PrunePlan } from './plan.js';

/** What happened to one project planned for deletion. */
export interface PruneResult {
  id: string;
  name: string;
  deleted: boolean;
  error?: string;
}

/**
 * Deletes every `delete` item of the plan, one after another (a handful of projects; sequential
 * keeps the server's cascade deletes from piling up).
 * @returns one result per deletion; never throws for a single failed deletion.
 */
export async function applyPrune(api: PrefectApi, plan: PrunePlan): Promise<PruneResult[]> {
  const results: PruneResult[] = [];
  for (const item of plan.items.filter((i) => i.action === 'delete')) {
    try {
      await api.deleteProject(item.id);
      results.push({ id: item.id, name: item.name, deleted: true });
    } catch (error) {
      results.push({ id: item.id, name: item.name, deleted: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

import type { GitStorage } from '../storage/types.js';
import { loadFlowsStatic } from './static/index.js';
import type { FlowFile, LoadResult } from './types.js';

export interface LoadFlowsOptions {
  files: FlowFile[];
  /** The storage each flow gets (prefect-git's Git storage descriptor for that flow). */
  storageFor: (flow: { name: string; flowPath: string }) => GitStorage;
  labels?: string[] | undefined;
  prefectVersion?: string | undefined;
  /** Reads another file of the repository (for imports between flow modules). */
  readRepoFile?: ((path: string) => Promise<Buffer | undefined>) | undefined;
  /** Only these flow names; the others are dropped and missing ones reported. */
  names?: readonly string[] | undefined;
}

/**
 * Reads the flows of the given files and serializes each exactly as Prefect 1.4.1 would.
 * Returns every flow that loaded and an error entry for each flow or file that did not:
 * one broken file never hides the others.
 */
export async function loadFlows(options: LoadFlowsOptions): Promise<LoadResult> {
  const result = await loadFlowsStatic({
    files: options.files,
    storageFor: options.storageFor,
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.prefectVersion ? { prefectVersion: options.prefectVersion } : {}),
    ...(options.readRepoFile ? { readRepoFile: options.readRepoFile } : {}),
  });
  return options.names && options.names.length > 0 ? filterByName(result, options.names) : result;
}

/** Keeps the named flows and reports names that no file defined (`prefect register --name`). */
export function filterByName(result: LoadResult, names: readonly string[]): LoadResult {
  const wanted = new Set(names);
  const flows = result.flows.filter((flow) => wanted.has(flow.name));
  const found = new Set(flows.map((flow) => flow.name));
  // A refused flow with a wanted name is reported by its own error, not as missing.
  const refused = new Set(result.errors.map((error) => error.flow).filter((name) => name !== undefined));
  const missing = names.filter((name) => !found.has(name) && !refused.has(name));
  const errors = result.errors.filter((error) => error.flow === undefined || wanted.has(error.flow));
  for (const name of missing) {
    errors.push({
      code: 'E_FLOW_NOT_FOUND',
      file: '',
      line: 0,
      column: 0,
      flow: name,
      message: `no flow named '${name}' in the given paths`,
      hint: 'Check the name passed to --name against `prefect-git inspect` (flow names, not file names).',
    });
  }
  return { flows, errors };
}

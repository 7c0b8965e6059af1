/** Loads Python source text with the static loader, for the unit tests. */
import { loadFlowsStatic, type StaticLoadOptions } from '../../src/flows/static/index.js';
import type { LoadResult } from '../../src/flows/types.js';
import { goldenStorage } from './golden-helpers.js';

export const storageFor = goldenStorage({ type: 'branch', name: 'main' });

/** Loads one file (default path `flows/flow.py`) and, optionally, repository files for imports. */
export function loadSource(source: string | Buffer, options: { path?: string; repo?: Record<string, string>; labels?: string[] } = {}): Promise<LoadResult> {
  const repo = options.repo;
  const opts: StaticLoadOptions = {
    files: [{ path: options.path ?? 'flows/flow.py', content: typeof source === 'string' ? Buffer.from(source) : source }],
    storageFor,
    ...(options.labels ? { labels: options.labels } : {}),
    ...(repo ? { readRepoFile: (p: string) => Promise.resolve(repo[p] === undefined ? undefined : Buffer.from(repo[p])) } : {}),
  };
  return loadFlowsStatic(opts);
}

/** Task slugs of a loaded flow, sorted as serialized. */
export function slugs(result: LoadResult, flow: string): string[] {
  const f = result.flows.find((x) => x.name === flow);
  if (!f) throw new Error(`flow ${flow} not loaded: ${JSON.stringify(result.errors)}`);
  return (f.serialized.tasks as { slug: string }[]).map((t) => t.slug);
}

/** Edges of a loaded flow as `up -> down [key]` strings (mapped/flattened marked). */
export function edges(result: LoadResult, flow: string): string[] {
  const f = result.flows.find((x) => x.name === flow);
  if (!f) throw new Error(`flow ${flow} not loaded: ${JSON.stringify(result.errors)}`);
  type E = { upstream_task: { slug: string }; downstream_task: { slug: string }; key: string | null; mapped: boolean; flattened: boolean };
  return (f.serialized.edges as E[]).map((e) => `${e.upstream_task.slug} -> ${e.downstream_task.slug} [${e.key ?? ''}]${e.mapped ? ' mapped' : ''}${e.flattened ? ' flattened' : ''}`);
}

/** The serialized flow of a given name (throws with the errors if it did not load). */
export function serialized(result: LoadResult, flow: string): Record<string, unknown> {
  const f = result.flows.find((x) => x.name === flow);
  if (!f) throw new Error(`flow ${flow} not loaded: ${JSON.stringify(result.errors)}`);
  return f.serialized;
}

/** One serialized task of a flow, by slug. */
export function task(result: LoadResult, flow: string, slug: string): Record<string, unknown> {
  const t = (serialized(result, flow).tasks as Record<string, unknown>[]).find((x) => x.slug === slug);
  if (!t) throw new Error(`no task ${slug}`);
  return t;
}

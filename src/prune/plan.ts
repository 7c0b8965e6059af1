/**
 * `prune`: per-branch projects (`analytics-{ref_slug}`) outlive their branches. The plan keeps
 * every project that does not match the pattern (never touched), every matching project some
 * live branch or tag expands to, and every project holding flows registered from a live ref or
 * without Git storage; the rest were made for refs gone from the remote. Pure.
 */
import type { ProjectWithFlows } from '../api/types.js';
import { PrefectGitError } from '../errors.js';
import type { RemoteRefs } from '../git/ls-remote.js';
import { expandProjectName, refSlug } from '../register/project-name.js';
import { describeRegisteredRef, registeredRefOf } from '../register/ref-guard.js';

/** One project that matches the pattern, and what prune does with it. */
export interface PruneItem {
  id: string;
  name: string;
  action: 'delete' | 'keep';
  /** One sentence: which ref it was made for and why it goes or stays. */
  reason: string;
  /** Flow names in the project (deleted with it). */
  flows: string[];
}

/** The result of {@link planPrune}. */
export interface PrunePlan {
  pattern: string;
  items: PruneItem[];
  /** Projects that do not match the pattern (left alone). */
  unmatched: number;
}

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';

/**
 * The regex of a project-name pattern: placeholders become groups, the rest is literal.
 * @throws PrefectGitError E_USAGE when the pattern has no placeholder (it would name one fixed
 *   project), E_CONFIG for an unknown placeholder.
 */
export function patternRegex(pattern: string): RegExp {
  let placeholders = 0;
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(/\{([^{}]*)\}/g)) {
    source += escape(pattern.slice(last, match.index));
    last = match.index + match[0].length;
    const key = match[1];
    if (key === 'ref_slug') source += `(${SLUG})`;
    else if (key === 'ref' || key === 'branch' || key === 'tag') source += '(.+)';
    else {
      throw new PrefectGitError('E_CONFIG', `unknown placeholder ${match[0]} in project pattern '${pattern}'`, {
        hint: 'Placeholders are {branch}, {tag}, {ref} and {ref_slug}.',
      });
    }
    placeholders += 1;
  }
  if (placeholders === 0) {
    throw new PrefectGitError('E_USAGE', `project pattern '${pattern}' has no placeholder, so it names one fixed project`, {
      hint: 'Pass the pattern the per-branch projects were registered with, e.g. --project-pattern "analytics-{ref_slug}".',
    });
  }
  return new RegExp(`^${source}${escape(pattern.slice(last))}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expandOrNull(pattern: string, ref: { type: 'branch' | 'tag'; name: string }): string | null {
  try {
    return expandProjectName(pattern, ref);
  } catch {
    return null; // {branch} for a tag or {tag} for a branch: this ref cannot have made the project
  }
}

/**
 * Plans the pruning of projects matching `pattern` against the remote's live branches and tags.
 * @throws PrefectGitError E_USAGE / E_CONFIG for a bad pattern; E_GIT when the remote lists no
 *   branch at all (everything would look stale, so nothing is planned).
 */
export function planPrune(input: { pattern: string; projects: readonly ProjectWithFlows[]; refs: RemoteRefs; remote: string }): PrunePlan {
  const { pattern, refs, remote } = input;
  const regex = patternRegex(pattern);
  if (refs.heads.size === 0) {
    throw new PrefectGitError('E_GIT', `${remote} lists no branches: refusing to prune (every project would look stale)`, {
      hint: `check the remote: git ls-remote --heads ${remote}`,
    });
  }
  const live = [...[...refs.heads.keys()].map((name) => ({ type: 'branch' as const, name })), ...[...refs.tags.keys()].map((name) => ({ type: 'tag' as const, name }))];
  const liveNames = new Map<string, { type: 'branch' | 'tag'; name: string }>();
  for (const ref of live) {
    const name = expandOrNull(pattern, ref);
    if (name !== null && !liveNames.has(name)) liveNames.set(name, ref);
  }
  const isLive = (ref: ReturnType<typeof registeredRefOf>): boolean =>
    ref.kind === 'default-branch' || (ref.kind === 'branch' && refs.heads.has(ref.name)) || (ref.kind === 'tag' && refs.tags.has(ref.name));

  const items: PruneItem[] = [];
  let unmatched = 0;
  for (const project of input.projects) {
    const match = regex.exec(project.name);
    if (match === null) {
      unmatched += 1;
      continue;
    }
    const flows = project.flows.map((f) => f.name);
    const keep = (reason: string): void => void items.push({ id: project.id, name: project.name, action: 'keep', reason, flows });
    const owner = liveNames.get(project.name);
    if (owner !== undefined) {
      keep(`made for ${owner.type} ${owner.name}, which still exists on ${remote}`);
      continue;
    }
    const flowRefs = project.flows.map((f) => registeredRefOf(f.storage));
    const liveFlowRef = flowRefs.find(isLive);
    if (liveFlowRef !== undefined) {
      keep(`its flows were registered from ${describeRegisteredRef(liveFlowRef)}, which still exists on ${remote}`);
      continue;
    }
    if (flowRefs.some((ref) => ref.kind === 'none')) {
      keep('it holds flows without Git storage, which prefect-git did not register');
      continue;
    }
    const gone = [...new Set(flowRefs.map((ref) => describeRegisteredRef(ref)))];
    const madeFor = gone.length > 0 ? gone.join(', ') : `ref slug '${match[1] ?? refSlug(project.name)}'`;
    items.push({
      id: project.id,
      name: project.name,
      action: 'delete',
      reason: `made for ${madeFor}; no branch or tag on ${remote} gives this name any more`,
      flows,
    });
  }
  return { pattern, items, unmatched };
}

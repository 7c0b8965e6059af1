/**
 * Which registered flows `verify` can check, and against which remote commit. Pure: the facts
 * that need no flow file (archived, other storage, another repository, a ref gone from the remote,
 * an annotated tag) are decided here, before anything is fetched.
 */
import type { RegisteredFlow } from '../api/types.js';
import type { RemoteRefs } from '../git/ls-remote.js';
import type { GitStorage } from '../storage/types.js';
import type { Finding } from './compare.js';
import type { FlowVerification } from './verify.js';

/** A flow whose file will be read at `commit`. */
export interface CheckTarget {
  flow: RegisteredFlow;
  flowPath: string;
  ref: { type: 'branch' | 'tag'; name: string };
  commit: string;
  /** The registered storage (checked to be Git storage). */
  storage: GitStorage;
  /** Findings known before reading the file. */
  findings: Finding[];
}

/** Input of {@link planChecks}. */
export interface PlanChecksInput {
  flows: readonly RegisteredFlow[];
  refs: RemoteRefs;
  remote: string;
  defaultBranch: string | undefined;
  repository: { repoHost: string; repo: string } | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const sameRepo = (a: string, b: string): boolean => a.toLowerCase().replace(/\.git$/, '') === b.toLowerCase().replace(/\.git$/, '');

/** Splits the registered flows into finished verdicts and flows to read. */
export function planChecks(input: PlanChecksInput): { done: FlowVerification[]; targets: CheckTarget[] } {
  const done: FlowVerification[] = [];
  const targets: CheckTarget[] = [];
  for (const flow of input.flows) {
    const storage = flow.storage !== null && typeof flow.storage === 'object' ? (flow.storage as Record<string, unknown>) : null;
    const flowPath = str(storage?.flow_path);
    const base = { name: flow.name, version: flow.version, flowPath, ref: null, commit: null, findings: [] };
    const unverified = (note: string): void => void done.push({ ...base, status: 'unverified', note });
    if (flow.archived) {
      done.push({ ...base, status: 'skipped', note: 'archived: no runs are made from it' });
      continue;
    }
    if (storage === null || storage.type !== 'Git') {
      unverified(`its storage is ${str(storage?.type) ?? 'missing'}, not Git: nothing to compare in this repository`);
      continue;
    }
    if (flowPath === null) {
      unverified('its Git storage has no flow_path');
      continue;
    }
    const host = str(storage.repo_host) ?? '';
    const repo = str(storage.repo) ?? '';
    if (input.repository !== null && !(sameRepo(host, input.repository.repoHost) && sameRepo(repo, input.repository.repo))) {
      unverified(`its storage clones ${host}/${repo}, not this repository (${input.repository.repoHost}/${input.repository.repo})`);
      continue;
    }

    const tag = str(storage.tag);
    const branch = str(storage.branch_name) ?? (tag === null ? input.defaultBranch ?? null : null);
    if (tag === null && branch === null) {
      unverified(`runs clone ${input.remote}'s default branch, which could not be read`);
      continue;
    }
    const ref = tag !== null ? { type: 'tag' as const, name: tag } : { type: 'branch' as const, name: branch! };
    const remoteTag = tag !== null ? input.refs.tags.get(tag) : undefined;
    const commit = tag !== null ? remoteTag?.commit : input.refs.heads.get(ref.name);
    if (commit === undefined) {
      const finding: Finding = { kind: 'ref-missing', fails: true, message: `runs will fail: ${ref.type} ${ref.name} no longer exists on ${input.remote}` };
      done.push({ ...base, ref, status: 'drift', findings: [finding] });
      continue;
    }
    const findings: Finding[] = [];
    if (remoteTag?.annotated === true) {
      findings.push({ kind: 'annotated-tag', fails: true, message: `runs will fail: tag ${ref.name} on ${input.remote} is annotated, and Prefect 1.4.1's Git storage cannot check out annotated tags` });
    }
    const map = storage.flows;
    if (map === null || typeof map !== 'object' || !(flow.name in map)) {
      findings.push({ kind: 'storage-flows', fails: true, message: `runs will fail: the storage's flows map has no '${flow.name}' ("Flow is not contained in this Storage")` });
    }
    targets.push({ flow, flowPath, ref, commit, storage: storage as unknown as GitStorage, findings });
  }
  return { done, targets };
}

/**
 * The filter of `verify [PATHS...] --name N`: a flow is kept when its flow_path is one of the
 * repo-relative `prefixes` or lies below one (`''` is the whole repository), and its name is one
 * of `names`; an empty list keeps everything. Pure.
 */
export function registeredFlowFilter(prefixes: readonly string[], names: readonly string[]): (flow: { name: string; flowPath: string | null }) => boolean {
  const folders = prefixes.map((p) => p.replace(/\/+$/, ''));
  return (flow) => {
    if (names.length > 0 && !names.includes(flow.name)) return false;
    if (folders.length === 0) return true;
    const file = flow.flowPath;
    if (file === null) return false;
    return folders.some((folder) => folder === '' || file === folder || file.startsWith(`${folder}/`));
  };
}

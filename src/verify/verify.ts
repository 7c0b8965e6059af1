/**
 * `verify`: do the registered flows still match the code their runs will clone? For each newest
 * version in the project it takes the ref its storage names, reads that ref's current head on
 * the remote (one ls-remote, one fetch), loads the flow file there with the static loader and
 * compares task slugs, parameters and storage (compare.ts).
 */
import type { PrefectApi, RegisteredFlow } from '../api/types.js';
import type { ErrorCode } from '../errors.js';
import { loadFlows } from '../flows/load-flows.js';
import type { LoadResult } from '../flows/types.js';
import type { GitRepo } from '../git/repo.js';
import type { Finding } from './compare.js';
import { compareFlow, parameterSpecs, taskSlugs } from './compare.js';
import { planChecks } from './targets.js';
import type { CheckTarget } from './targets.js';

/** The outcome for one registered flow. */
export interface FlowVerification {
  name: string;
  version: number;
  flowPath: string | null;
  /** The ref runs clone (the default branch for storage without branch or tag), when known. */
  ref: { type: 'branch' | 'tag'; name: string } | null;
  /** The remote commit that was read. */
  commit: string | null;
  /** `drift`: findings; `unverified`: could not be checked (see `note`); `skipped`: archived. */
  status: 'ok' | 'drift' | 'unverified' | 'skipped';
  findings: Finding[];
  note?: string;
  /** Why it could not be read, when the loader refused it (E_UNSUPPORTED, E_PARSE, ...). */
  loadError?: { code: ErrorCode; message: string };
}

/** The result of {@link verifyFlows}. */
export interface VerifyReport {
  flows: FlowVerification[];
  summary: { ok: number; drift: number; unverified: number; skipped: number };
}

/** Input of {@link verifyFlows}. */
export interface VerifyOptions {
  api: PrefectApi;
  repo: GitRepo;
  projectId: string;
  remote: string;
  /** `repo_host`/`repo` this clone's remote stands for; flows stored for another repository are not checked. */
  repository: { repoHost: string; repo: string } | null;
  /** Keep only these registered flows (by name / flow_path); default all. */
  select?: ((flow: { name: string; flowPath: string | null }) => boolean) | undefined;
}

/**
 * Verifies every newest registered version in the project (git: one ls-remote, one fetch, one
 * read per commit; API: one query).
 * @returns one entry per registered flow, in name order. @throws PrefectGitError E_API*, E_GIT.
 */
export async function verifyFlows(options: VerifyOptions): Promise<VerifyReport> {
  const { api, repo, remote } = options;
  const registered = (await api.registeredFlows(options.projectId)).filter(
    (flow) => options.select?.({ name: flow.name, flowPath: flowPathOf(flow) }) ?? true,
  );
  const needsDefault = registered.some((flow) => isGit(flow.storage) && !refField(flow.storage, 'branch_name') && !refField(flow.storage, 'tag'));
  const [refs, defaultBranch] = await Promise.all([
    registered.length > 0 ? repo.lsRemote(remote) : Promise.resolve({ heads: new Map<string, string>(), tags: new Map() }),
    needsDefault ? repo.remoteDefaultBranch(remote) : Promise.resolve(undefined),
  ]);
  const plan = planChecks({ flows: registered, refs, remote, defaultBranch, repository: options.repository });
  const toFetch = [...new Map(plan.targets.map((t) => [`${t.ref.type}:${t.ref.name}`, t.ref])).values()];
  await repo.fetchRefs(remote, toFetch);

  const byCommit = new Map<string, CheckTarget[]>();
  for (const target of plan.targets) byCommit.set(target.commit, [...(byCommit.get(target.commit) ?? []), target]);
  const checked: FlowVerification[] = [];
  for (const [commit, targets] of byCommit) checked.push(...(await checkCommit(repo, commit, targets)));

  const flows = [...plan.done, ...checked].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const count = (status: FlowVerification['status']): number => flows.filter((f) => f.status === status).length;
  return { flows, summary: { ok: count('ok'), drift: count('drift'), unverified: count('unverified'), skipped: count('skipped') } };
}

async function checkCommit(repo: GitRepo, commit: string, targets: readonly CheckTarget[]): Promise<FlowVerification[]> {
  const paths = [...new Set(targets.map((t) => t.flowPath))];
  const contents = await repo.readFiles(commit, paths);
  const files = paths.flatMap((path) => {
    const content = contents.get(path);
    return content === undefined ? [] : [{ path, content }];
  });
  const storages = new Map(targets.map((t) => [`${t.flow.name}\0${t.flowPath}`, t.storage]));
  const fallback = targets[0]!.storage;
  const loaded =
    files.length === 0
      ? { flows: [], errors: [] }
      : await loadFlows({
          files,
          // Each flow serialized with its registered storage, as if registered again from this commit.
          storageFor: (flow) => storages.get(`${flow.name}\0${flow.flowPath}`) ?? { ...fallback, flow_name: flow.name, flow_path: flow.flowPath, flows: { [flow.name]: flow.flowPath } },
          readRepoFile: async (file) => (await repo.readFiles(commit, [file])).get(file),
          // Never the user's Python: verify reads code at remote commits, not a checkout.
          loader: 'static',
        });
  return targets.map((target) => checkOne(target, contents.has(target.flowPath), loaded));
}

function checkOne(target: CheckTarget, fileExists: boolean, loaded: Pick<LoadResult, 'flows' | 'errors'>): FlowVerification {
  const { flow, flowPath, ref, commit } = target;
  const where = `${flowPath} at ${ref.type} ${ref.name} (${commit.slice(0, 7)})`;
  const base = { name: flow.name, version: flow.version, flowPath, ref: { type: ref.type, name: ref.name }, commit };
  const findings: Finding[] = [...target.findings];
  const drift = (extra: Finding[]): FlowVerification => {
    const all = [...findings, ...extra];
    return { ...base, status: all.length > 0 ? 'drift' : 'ok', findings: all };
  };
  if (!fileExists) return drift([{ kind: 'flow-file-missing', fails: true, message: `runs will fail: ${flowPath} does not exist at ${ref.type} ${ref.name} (${commit.slice(0, 7)})` }]);

  const inFile = loaded.flows.filter((f) => f.flowPath === flowPath);
  const code = inFile.find((f) => f.name === flow.name);
  if (code === undefined) {
    const refusal = loaded.errors.find((e) => e.file === flowPath && (e.flow === undefined || e.flow === flow.name));
    if (refusal !== undefined) {
      const where = refusal.line > 0 ? `${refusal.file}:${refusal.line}:${refusal.column}: ` : '';
      return { ...base, status: 'unverified', findings, note: `the static loader could not read it: ${where}${refusal.message}`, loadError: { code: refusal.code, message: refusal.message } };
    }
    const found = inFile.length === 0 ? 'none' : inFile.map((f) => `'${f.name}'`).join(', ');
    return drift([{ kind: 'flow-missing', fails: true, message: `runs will fail: no flow named '${flow.name}' in ${where} (found: ${found})` }]);
  }
  // Storage without flow_name runs the file's first flow (prefect1.md §6.4).
  const storageName = target.storage.flow_name;
  const first = inFile[0];
  if ((storageName === null || storageName === '') && inFile.length > 1 && first !== undefined && first.name !== flow.name) {
    findings.push({ kind: 'storage-flows', fails: true, message: `runs will fail: the storage has no flow_name, so runs load the first flow of ${where}, '${first.name}'` });
  }
  const registered = { taskSlugs: flow.taskSlugs, parameters: parameterSpecs(flow.parameters) };
  const current = { taskSlugs: taskSlugs(code.serialized), parameters: parameterSpecs(code.serialized.parameters) };
  return drift(compareFlow(registered, current, where));
}

function isGit(storage: unknown): storage is Record<string, unknown> {
  return storage !== null && typeof storage === 'object' && (storage as { type?: unknown }).type === 'Git';
}

function refField(storage: unknown, key: 'branch_name' | 'tag'): string | undefined {
  const value = isGit(storage) ? storage[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function flowPathOf(flow: RegisteredFlow): string | null {
  const value = isGit(flow.storage) ? flow.storage.flow_path : undefined;
  return typeof value === 'string' && value !== '' ? value : null;
}

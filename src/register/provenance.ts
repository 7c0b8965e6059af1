/**
 * Provenance: after registering, the flow group's description says which ref and commit the
 * version came from, with a link to the flow file. It is set with `set_flow_group_description`,
 * outside the serialized flow, so the idempotency key (and "unchanged" on the next run) is not
 * affected. Only flows that got a new version are touched; a failure is a warning.
 *
 * The description is shared with people using the UI, so only prefect-git's block is replaced:
 * text a user wrote above it is kept (read in the plan's batched lookup, so no extra request).
 * The block starts at a line beginning `Registered by prefect-git from ` and runs to the end of
 * the description, so text written below an old block is treated as part of it and replaced.
 */
import type { PrefectApi } from '../api/types.js';
import type { FlowResult, RegistrationPlan } from './types.js';

/** What a link to the code needs. */
export interface CodeLocation {
  /** Git storage `repo_host` (may carry `:port`). */
  repoHost: string;
  /** Git storage `repo`, e.g. `acme/flows` or `group/sub/flows`. */
  repo: string;
  /** Branch or tag name. */
  ref: { type: 'branch' | 'tag'; name: string };
  /** Repo-relative POSIX path. */
  flowPath: string;
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/**
 * A browser link to the flow file at the ref, or null for hosts whose URL layout is not known.
 * GitHub (and GitHub Enterprise) use `/blob/<ref>/<path>`, GitLab `/-/blob/<ref>/<path>`, Gitea,
 * Forgejo and Codeberg `/src/branch|tag/<ref>/<path>`, Bitbucket Cloud `/src/<ref>/<path>`.
 * Self-hosted instances are recognised by the product's name in the host name. Pure.
 */
export function codeUrl(location: CodeLocation): string | null {
  const host = location.repoHost.toLowerCase();
  const name = host.split(':')[0] ?? host;
  const base = `https://${host}/${location.repo.split('/').map(encodeURIComponent).join('/')}`;
  const ref = encodePath(location.ref.name);
  const path = encodePath(location.flowPath);
  if (name === 'bitbucket.org') return `${base}/src/${ref}/${path}`;
  if (name === 'github.com' || /(^|[.-])github([.-]|$)/.test(name)) return `${base}/blob/${ref}/${path}`;
  if (name === 'gitlab.com' || /(^|[.-])gitlab([.-]|$)/.test(name)) return `${base}/-/blob/${ref}/${path}`;
  if (name === 'codeberg.org' || /(^|[.-])(gitea|forgejo)([.-]|$)/.test(name)) return `${base}/src/${location.ref.type}/${ref}/${path}`;
  return null;
}

/** The first line of prefect-git's block; where a line starts with it, the block starts. */
const BLOCK_START = 'Registered by prefect-git from ';

/** prefect-git's block of one registered flow's description. Pure. */
export function provenanceDescription(input: { ref: { type: 'branch' | 'tag'; name: string }; commit: string; flowPath: string; url: string | null }): string {
  const lines = [
    `${BLOCK_START}${input.ref.type} ${input.ref.name} at commit ${input.commit}.`,
    input.ref.type === 'branch' ? `Flow runs clone the head of ${input.ref.name}, which may have moved on since.` : `Flow runs clone tag ${input.ref.name}.`,
    `Flow file: ${input.flowPath}`,
  ];
  if (input.url !== null) lines.push(`Code: ${input.url}`);
  return lines.join('\n');
}

/**
 * The description to set: `current` with its prefect-git block (from the first line that starts
 * with `Registered by prefect-git from ` to the end) replaced by `block`. The user's text before
 * it is kept with trailing whitespace trimmed, then a blank line, then `block`; an empty or null
 * description becomes `block` alone. Pure.
 */
export function replaceProvenanceBlock(current: string | null, block: string): string {
  const text = current ?? '';
  const start = text.startsWith(BLOCK_START) ? 0 : text.indexOf(`\n${BLOCK_START}`);
  // Trimming makes it stable: registering again yields the same text around the block.
  const userText = (start === -1 ? text : text.slice(0, start)).trimEnd();
  return userText === '' ? block : `${userText}\n\n${block}`;
}

/**
 * The flow groups' descriptions as the plan read them, by flow group id. A flow registered for
 * the first time is not in it, so its description is the block alone.
 */
function plannedDescriptions(plan: Pick<RegistrationPlan, 'items'>): Map<string, string | null> {
  return new Map(plan.items.flatMap((item) => (item.latest === undefined ? [] : [[item.latest.flowGroupId, item.latest.flowGroupDescription] as const])));
}

/** Flow groups described per request. */
const PROVENANCE_BATCH = 50;

/** Input of {@link recordProvenance}. */
export interface RecordProvenanceOptions {
  api: PrefectApi;
  results: readonly FlowResult[];
  /** The plan the results came from: its flow group descriptions keep the text users wrote there. */
  plan: Pick<RegistrationPlan, 'items'>;
  ref: { type: 'branch' | 'tag'; name: string; commit: string };
  /** `repo_host` and `repo` of the registered storage; null when they are not known. */
  repository: { repoHost: string; repo: string } | null;
  onWarning: (message: string) => void;
  /** Descriptions set at once; default 4. */
  concurrency?: number | undefined;
}

/** What was recorded for one flow. */
export interface ProvenanceRecord {
  name: string;
  url: string | null;
  recorded: boolean;
}

/**
 * Sets the description of every flow group that got a new version (`status: registered`) to its
 * planned description with prefect-git's block replaced ({@link replaceProvenanceBlock}).
 * @returns one record per such flow; failures are reported through `onWarning`, never thrown.
 */
export async function recordProvenance(options: RecordProvenanceOptions): Promise<ProvenanceRecord[]> {
  const { api, ref, repository } = options;
  const targets = options.results.filter((result): result is FlowResult & { flowGroupId: string } => result.status === 'registered' && result.flowGroupId !== null);
  const records: ProvenanceRecord[] = [];
  const current = plannedDescriptions(options.plan);
  const items = targets.map((result) => {
    const url = repository === null ? null : codeUrl({ ...repository, ref, flowPath: result.flowPath });
    const block = provenanceDescription({ ref, commit: ref.commit, flowPath: result.flowPath, url });
    return { result, url, description: replaceProvenanceBlock(current.get(result.flowGroupId) ?? null, block) };
  });
  // Batches of aliased mutations: a few requests for any number of flows, several in flight.
  const batches: Array<typeof items> = [];
  for (let i = 0; i < items.length; i += PROVENANCE_BATCH) batches.push(items.slice(i, i + PROVENANCE_BATCH));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      let unconfirmed: Set<string>;
      let why = 'the server did not confirm it';
      try {
        unconfirmed = new Set(await api.setFlowGroupDescriptions(batch.map((item) => ({ flowGroupId: item.result.flowGroupId, description: item.description }))));
      } catch (error) {
        why = error instanceof Error ? error.message : String(error);
        unconfirmed = new Set(batch.map((item) => item.result.flowGroupId));
      }
      for (const item of batch) {
        const recorded = !unconfirmed.has(item.result.flowGroupId);
        if (!recorded) options.onWarning(`${item.result.name} is registered, but recording its provenance in the flow group description failed: ${why}`);
        records.push({ name: item.result.name, url: item.url, recorded });
      }
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 4, batches.length));
  await Promise.all(Array.from({ length: width }, worker));
  const order = new Map(targets.map((t, i) => [t.name, i]));
  return records.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
}

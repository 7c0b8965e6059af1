/**
 * Checks that what flow runs will clone is what we register. A flow run clones the *remote* ref
 * (reference §6.3), while registration reads the flow files from the local HEAD, so every
 * difference between the two would register one flow and run another (and fail on task slugs,
 * §7.4). `runPreflight` only reports; `assertPreflight` turns the first unwaived failure into an
 * error. Each failure can be waived by an override flag, named in its hint.
 */
import { PrefectGitError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { GitRepo, RemoteRefs, StatusEntry } from './repo.js';
import type { ResolvedRef } from './types.js';

/** The override switches, as options and as the CLI flags that set them. */
export const OVERRIDE_FLAGS = {
  allowUnpushed: '--allow-unpushed',
  allowAnnotatedTag: '--allow-annotated-tag',
  allowDirty: '--allow-dirty',
  allowTagNotAtHead: '--allow-tag-not-at-head',
} as const;

/** Which failures to accept anyway. */
export type PreflightOverrides = { [K in keyof typeof OVERRIDE_FLAGS]?: boolean | undefined };

/** Check ids, in the order they are reported. */
export type PreflightCheckId =
  | 'head'
  | 'remote'
  | 'branch-on-remote'
  | 'branch-at-head'
  | 'tag-on-remote'
  | 'tag-at-head'
  | 'tag-lightweight'
  | 'flow-files-clean';

/** One check's outcome. `code` and `hint` are set on failures. */
export interface PreflightCheck {
  id: PreflightCheckId;
  ok: boolean;
  message: string;
  hint?: string;
  /** The error code {@link assertPreflight} throws for this failure. */
  code?: ErrorCode;
  /** The flag that waived this failure (e.g. `--allow-dirty`). */
  overriddenBy?: string;
}

/** All checks; `ok` is true when every failure was waived. */
export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
}

/** Input of {@link runPreflight}. */
export interface PreflightOptions {
  repo: GitRepo;
  ref: ResolvedRef;
  /** Remote flow runs clone from; default `origin`. */
  remote?: string | undefined;
  /** Repo-relative POSIX paths of the flow files being registered. */
  flowPaths: readonly string[];
  overrides?: PreflightOverrides | undefined;
}

const short = (sha: string): string => sha.slice(0, 7);

const STATUS_WORDS: ReadonlyArray<[string, string]> = [
  ['??', 'untracked'],
  ['!!', 'ignored'],
  ['D', 'deleted'],
  ['R', 'renamed'],
  ['A', 'added, not committed'],
  ['U', 'unmerged'],
];

function describeStatus(entry: StatusEntry): string {
  const word = STATUS_WORDS.find(([code]) => (code.length === 2 ? entry.xy === code : entry.xy.includes(code)));
  return `${entry.path} (${word?.[1] ?? 'modified'})`;
}

class Checks {
  readonly list: PreflightCheck[] = [];
  constructor(private readonly overrides: PreflightOverrides) {}

  pass(id: PreflightCheckId, message: string): void {
    this.list.push({ id, ok: true, message });
  }

  /** A failure; without `override` it cannot be waived. */
  failed(id: PreflightCheckId, code: ErrorCode, message: string, hint: string, override?: keyof typeof OVERRIDE_FLAGS): void {
    if (override === undefined) {
      this.list.push({ id, ok: false, message, hint, code });
      return;
    }
    const flagName = OVERRIDE_FLAGS[override];
    const check: PreflightCheck = { id, ok: false, message, hint: `${hint}; ${flagName} skips this check`, code };
    if (this.overrides[override] === true) check.overriddenBy = flagName;
    this.list.push(check);
  }
}

function checkBranch(c: Checks, ref: ResolvedRef, head: string, remote: string, refs: RemoteRefs): void {
  const remoteHead = refs.heads.get(ref.name);
  const push = `git push ${remote} HEAD:refs/heads/${ref.name}`;
  if (remoteHead === undefined) {
    c.failed('branch-on-remote', 'E_BRANCH_NOT_FOUND', `branch ${ref.name} does not exist on ${remote}: flow runs could not check it out`, `push it first: ${push}`, 'allowUnpushed');
    return;
  }
  c.pass('branch-on-remote', `branch ${ref.name} exists on ${remote}`);
  if (remoteHead === head) {
    c.pass('branch-at-head', `${remote}/${ref.name} is at HEAD (${short(head)})`);
  } else {
    c.failed(
      'branch-at-head',
      'E_PREFLIGHT_UNPUSHED',
      `${remote}/${ref.name} is at ${short(remoteHead)} but HEAD is ${short(head)}: flow runs would clone ${remote}'s commit, not the one registered`,
      `push first (${push}), or pull if ${remote} is ahead`,
      'allowUnpushed',
    );
  }
}

async function checkTag(c: Checks, repo: GitRepo, ref: ResolvedRef, head: string, remote: string, refs: RemoteRefs | undefined): Promise<void> {
  const remoteTag = refs?.tags.get(ref.name);
  const localCommit = await repo.tagCommit(ref.name);
  if (refs !== undefined && remoteTag === undefined) {
    c.failed('tag-on-remote', 'E_TAG_NOT_FOUND', `tag ${ref.name} is not on ${remote}: flow runs could not check it out`, `push it first: git push ${remote} refs/tags/${ref.name}`, 'allowUnpushed');
  } else if (remoteTag !== undefined) {
    c.pass('tag-on-remote', `tag ${ref.name} exists on ${remote}`);
  }

  // The remote's tag is what runs clone; the local one matters only when the remote has none.
  const tagCommit = remoteTag?.commit ?? localCommit ?? ref.commit;
  if (tagCommit === head) {
    c.pass('tag-at-head', `tag ${ref.name} points at HEAD (${short(head)})`);
  } else {
    const where = remoteTag !== undefined ? ` on ${remote}` : '';
    const localNote = remoteTag !== undefined && localCommit !== undefined && localCommit !== remoteTag.commit ? ` (the local tag is at ${short(localCommit)})` : '';
    c.failed(
      'tag-at-head',
      'E_PREFLIGHT_TAG_NOT_AT_HEAD',
      `tag ${ref.name}${where} points at ${short(tagCommit)}${localNote} but HEAD is ${short(head)}: flows would be read from HEAD while runs clone the tag`,
      `check out the tag (git checkout ${ref.name}) and register from there, or move the tag (git tag -f ${ref.name} HEAD && git push --force ${remote} refs/tags/${ref.name})`,
      'allowTagNotAtHead',
    );
  }

  const annotated = remoteTag !== undefined ? remoteTag.annotated : (await repo.tagKind(ref.name)) === 'annotated';
  if (!annotated) {
    c.pass('tag-lightweight', `tag ${ref.name} is a lightweight tag`);
  } else {
    c.failed(
      'tag-lightweight',
      'E_PREFLIGHT_ANNOTATED_TAG',
      `tag ${ref.name} is an annotated tag: Prefect 1.4.1's git checkout fails on annotated tags (AttributeError: 'Tag' object has no attribute 'tree')`,
      `replace it with a lightweight tag: git tag -d ${ref.name} && git tag ${ref.name} ${tagCommit} && git push --force ${remote} refs/tags/${ref.name}`,
      'allowAnnotatedTag',
    );
  }
}

/**
 * Runs every check for `ref` and returns the report; waived failures carry `overriddenBy`.
 * Checks: the remote answers (`remote`); for a branch, it exists on the remote and its head is
 * HEAD; for a tag, it exists on the remote, points at HEAD and is lightweight; the flow files
 * equal HEAD (no modified, staged, untracked or ignored ones).
 * Git failures (no commits, no remote, ls-remote or status failing) become failed checks, so
 * it throws nothing by itself: anything thrown is a bug. `head` (E_NO_COMMITS) and git errors
 * cannot be waived.
 * @throws only non-PrefectGitError exceptions (bugs).
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const { repo, ref } = options;
  const remote = options.remote ?? 'origin';
  const c = new Checks(options.overrides ?? {});
  const head = await repo.head();
  if (head === undefined) {
    c.failed('head', 'E_NO_COMMITS', 'the repository has no commits yet', 'commit your flow files and push them, then register');
    return { ok: false, checks: c.list };
  }

  let refs: RemoteRefs | undefined;
  try {
    refs = await repo.lsRemote(remote);
    c.pass('remote', `remote ${remote} answers`);
  } catch (error) {
    if (!(error instanceof PrefectGitError)) throw error;
    c.failed('remote', error.code, error.message, error.hint ?? `check remote ${remote}`, 'allowUnpushed');
  }

  if (ref.type === 'branch') {
    if (refs !== undefined) checkBranch(c, ref, head, remote, refs);
  } else {
    await checkTag(c, repo, ref, head, remote, refs);
  }

  if (options.flowPaths.length > 0) {
    let dirty: StatusEntry[];
    try {
      dirty = await repo.statusPorcelain(options.flowPaths);
    } catch (error) {
      if (!(error instanceof PrefectGitError)) throw error;
      c.failed('flow-files-clean', error.code, error.message, error.hint ?? 'run git status');
      return { ok: false, checks: c.list };
    }
    if (dirty.length === 0) {
      c.pass('flow-files-clean', `${options.flowPaths.length} flow file(s) match HEAD`);
    } else {
      c.failed(
        'flow-files-clean',
        'E_PREFLIGHT_DIRTY',
        `flow files differ from HEAD: ${[...dirty].sort((a, b) => (a.path < b.path ? -1 : 1)).map(describeStatus).join(', ')}; flow runs clone the committed files`,
        'commit and push them first',
        'allowDirty',
      );
    }
  }
  return { ok: c.list.every((check) => check.ok || check.overriddenBy !== undefined), checks: c.list };
}

/**
 * Returns normally when every failed check of `report` was waived.
 * @throws PrefectGitError for the first failed, unwaived check, with its code (E_PREFLIGHT_UNPUSHED,
 *   E_PREFLIGHT_TAG_NOT_AT_HEAD, E_PREFLIGHT_ANNOTATED_TAG, E_PREFLIGHT_DIRTY, E_BRANCH_NOT_FOUND,
 *   E_TAG_NOT_FOUND, E_NO_REMOTE or E_GIT; all exit 3), message and hint; `details.failed` lists
 *   every unwaived failure.
 */
export function assertPreflight(report: PreflightReport): void {
  const failed = report.checks.filter((check) => !check.ok && check.overriddenBy === undefined);
  const first = failed[0];
  if (first === undefined) return;
  throw new PrefectGitError(first.code ?? 'E_GIT', first.message, {
    hint: first.hint,
    details: { check: first.id, failed: failed.map((check) => ({ id: check.id, code: check.code, message: check.message })) },
  });
}

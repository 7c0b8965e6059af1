/**
 * Which branch or tag a flow run will clone. The rules run in a fixed order and each one leaves a
 * trail entry, so `prefect-git ref` can show which rule won and why the others did not:
 *
 *   1. `--tag` / `--branch`            source `flag`
 *   2. `BUILD_TAG` (not Jenkins' id)   source `BUILD_TAG`
 *   3. `GIT_BRANCH`                    source `GIT_BRANCH`
 *   4. the checked-out branch          source `active-branch`
 *   5. the CI provider's variables     source `ci:<provider>` (detached HEAD only)
 *   6. otherwise E_DETACHED_HEAD
 *
 * `commit` is the commit the flow files are read from: HEAD for every branch (whatever rule named
 * it), and the tag's own commit for tags. Preflight then checks that the remote ref agrees.
 */
import { PrefectGitError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { readCiRef } from './ci-env.js';
import type { EnvVars } from './ci-env.js';
import { assertRefName } from './ref-name.js';
import type { GitRepo } from './repo.js';
import type { RefResolution, ResolvedRef, TrailEntry } from './types.js';

/** Input of {@link resolveRef}. */
export interface ResolveRefOptions {
  repo: GitRepo;
  /** The environment to read BUILD_TAG, GIT_BRANCH, JENKINS_URL and CI variables from. */
  env: EnvVars;
  /** `--tag`. */
  tag?: string | undefined;
  /** `--branch`. */
  branch?: string | undefined;
  /** Remote used for tags missing locally and for stripping `origin/`; default `origin`. */
  remote?: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Returns `value` without one leading `refs/heads/`, `refs/remotes/<remote>/` or `<remote>/`
 * (Jenkins' GIT_BRANCH is `origin/main`); longest remote names first, so remote `a/b` wins over
 * `a`. Pure; never throws.
 */
export function stripBranchPrefix(value: string, remotes: readonly string[]): string {
  if (value.startsWith('refs/heads/')) return value.slice('refs/heads/'.length);
  const names = [...new Set(remotes)].sort((a, b) => b.length - a.length);
  for (const r of names) {
    if (value.startsWith(`refs/remotes/${r}/`)) return value.slice(`refs/remotes/${r}/`.length);
  }
  for (const r of names) {
    if (value.startsWith(`${r}/`)) return value.slice(r.length + 1);
  }
  return value;
}

class Resolver {
  readonly trail: TrailEntry[] = [];

  constructor(
    private readonly repo: GitRepo,
    private readonly remote: string,
    private readonly head: string,
  ) {}

  note(rule: string, outcome: string): void {
    this.trail.push({ rule, outcome });
  }

  /** An error carrying the trail so far, so the CLI can show how it got there. */
  fail(code: ErrorCode, message: string, hint: string): PrefectGitError {
    return new PrefectGitError(code, message, { hint, details: { trail: [...this.trail] } });
  }

  /** Validates the name, notes it in the trail and returns the resolution. */
  branch(rule: string, source: string, name: string, how: string): RefResolution {
    this.checkName(rule, name, 'branch');
    this.note(rule, `chosen: branch ${name}${how}; commit ${short(this.head)} (HEAD)`);
    return this.done({ type: 'branch', name, commit: this.head, source });
  }

  /** A tag must exist locally (its peeled commit is used) or on the remote (ls-remote). */
  async tag(rule: string, source: string, name: string, how: string): Promise<RefResolution> {
    this.checkName(rule, name, 'tag');
    const local = await this.repo.tagCommit(name);
    if (local !== undefined) {
      this.note(rule, `chosen: tag ${name}${how}; commit ${short(local)} (local tag)`);
      return this.done({ type: 'tag', name, commit: local, source });
    }
    const pushHint = `push it (git tag ${name} <commit> && git push ${this.remote} refs/tags/${name}) or fetch it (git fetch --tags ${this.remote})`;
    if (!(await this.repo.remotes()).includes(this.remote)) {
      this.note(rule, `failed: tag ${name} is not a local tag and remote ${this.remote} does not exist`);
      throw this.fail('E_TAG_NOT_FOUND', `tag ${name} does not exist locally and there is no remote "${this.remote}" to look on`, pushHint);
    }
    const remoteTag = (await this.repo.lsRemote(this.remote)).tags.get(name);
    if (remoteTag === undefined) {
      this.note(rule, `failed: tag ${name} exists neither locally nor on ${this.remote}`);
      throw this.fail('E_TAG_NOT_FOUND', `tag ${name}${how} exists neither locally nor on ${this.remote}`, pushHint);
    }
    this.note(rule, `chosen: tag ${name}${how}; commit ${short(remoteTag.commit)} (only on ${this.remote})`);
    return this.done({ type: 'tag', name, commit: remoteTag.commit, source });
  }

  private checkName(rule: string, name: string, kind: 'branch' | 'tag'): void {
    try {
      assertRefName(name, kind);
    } catch (error) {
      this.note(rule, `failed: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof PrefectGitError) throw this.fail(error.code, error.message, error.hint ?? '');
      throw error;
    }
  }

  private done(ref: ResolvedRef): RefResolution {
    return { ref, trail: this.trail };
  }
}

/**
 * Decides the branch or tag the flow runs will clone, following the rules in the module comment.
 * Returns `{ref: {type, name, commit, source}, trail}`; `trail` lists every rule looked at.
 * @throws PrefectGitError E_USAGE (both --tag and --branch), E_NO_COMMITS, E_REF_NAME (an invalid
 *   or `-`-prefixed name), E_TAG_NOT_FOUND (tag neither local nor on the remote), E_GIT (ls-remote
 *   failed), E_DETACHED_HEAD (no rule applied). E_TAG_NOT_FOUND, E_DETACHED_HEAD and E_REF_NAME
 *   for a chosen name carry the trail so far in `details.trail`.
 */
export async function resolveRef(options: ResolveRefOptions): Promise<RefResolution> {
  const { repo, env } = options;
  const remote = assertRefName(options.remote ?? 'origin', 'remote');
  // An empty --tag "" is a mistake (an unset CI variable), not a request for the next rule.
  for (const [flag, value] of [['--tag', options.tag], ['--branch', options.branch]] as const) {
    if (value !== undefined && nonEmpty(value) === undefined) {
      throw new PrefectGitError('E_USAGE', `${flag} was given an empty value`, {
        hint: `Pass a name (${flag} NAME), or leave ${flag} out to use BUILD_TAG, GIT_BRANCH or the active branch.`,
      });
    }
  }
  const tagFlag = nonEmpty(options.tag);
  const branchFlag = nonEmpty(options.branch);
  if (tagFlag !== undefined && branchFlag !== undefined) {
    throw new PrefectGitError('E_USAGE', '--tag and --branch cannot be used together', {
      hint: "pass one of them: Prefect's Git storage clones either a branch or a tag",
    });
  }
  const head = await repo.head();
  if (head === undefined) {
    throw new PrefectGitError('E_NO_COMMITS', 'the repository has no commits yet', {
      hint: 'commit your flow files and push them, then register',
    });
  }
  const r = new Resolver(repo, remote, head);

  // Rule 1: flags.
  if (tagFlag !== undefined) return r.tag('flag', 'flag', tagFlag, ' from --tag');
  if (branchFlag !== undefined) return r.branch('flag', 'flag', branchFlag, ' from --branch');
  r.note('flag', 'skipped: no --tag or --branch');

  // Rule 2: BUILD_TAG. Jenkins sets BUILD_TAG to its own build id (jenkins-<job>-<n>).
  const buildTag = nonEmpty(env.BUILD_TAG);
  if (buildTag === undefined) {
    r.note('BUILD_TAG', 'skipped: not set');
  } else if (nonEmpty(env.JENKINS_URL) !== undefined && buildTag.startsWith('jenkins-')) {
    r.note('BUILD_TAG', `skipped: Jenkins build id ${buildTag}, not a git tag`);
  } else {
    return r.tag('BUILD_TAG', 'BUILD_TAG', buildTag, ' from BUILD_TAG');
  }

  // Rule 3: GIT_BRANCH, possibly `origin/main` or a full ref.
  const gitBranch = nonEmpty(env.GIT_BRANCH);
  if (gitBranch === undefined) {
    r.note('GIT_BRANCH', 'skipped: not set');
  } else {
    const name = stripBranchPrefix(gitBranch, [remote, ...(await repo.remotes())]);
    const how = name === gitBranch ? ' from GIT_BRANCH' : ` from GIT_BRANCH ${gitBranch}`;
    return r.branch('GIT_BRANCH', 'GIT_BRANCH', name, how);
  }

  // Rule 4: the checked-out branch.
  const active = await repo.currentBranch();
  if (active !== undefined) return r.branch('active-branch', 'active-branch', active, '');
  r.note('active-branch', `skipped: HEAD is detached at ${short(head)}`);

  // Rule 5: the CI provider's own variables (tag, then PR/MR source branch, then branch).
  const ci = readCiRef(env);
  if (ci === undefined) {
    r.note('ci', 'skipped: no CI provider detected');
  } else {
    const rule = `ci:${ci.provider}`;
    if (ci.tag !== undefined) return r.tag(rule, rule, ci.tag, ` from ${ci.provider}'s tag variable`);
    if (ci.prBranch !== undefined) return r.branch(rule, rule, ci.prBranch, ` from ${ci.provider}'s pull request source branch`);
    if (ci.branch !== undefined) return r.branch(rule, rule, ci.branch, ` from ${ci.provider}'s branch variable`);
    r.note(rule, `skipped: ${ci.provider} detected but its variables name no branch or tag`);
  }

  // Rule 6.
  throw r.fail('E_DETACHED_HEAD', 'detached HEAD and no ref given', 'set BUILD_TAG or GIT_BRANCH (or pass --tag / --branch) to name the ref flow runs should clone');
}

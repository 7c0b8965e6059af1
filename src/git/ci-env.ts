/**
 * What CI providers say about the ref being built. CI systems usually check out a detached HEAD,
 * so `resolveRef` falls back to these variables (rule 5). One table, one entry per provider,
 * modelled on semantic-release/env-ci's services; pure functions of the env they are given.
 */

/** Environment variables as a plain record (the CLI passes `process.env`). */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** The ref facts a provider exposes; names are short (no `refs/heads/`, `refs/tags/`). */
export interface CiRefFacts {
  /** The branch being built (for a pull request, only when the provider gives the source). */
  branch?: string;
  /** The tag being built. */
  tag?: string;
  /** The source branch of a pull/merge request. */
  prBranch?: string;
  /** The commit being built, when the provider gives a full 40-hex sha. */
  sha?: string;
}

/** One CI provider: how to recognise it and how to read its ref variables. */
export interface CiProvider {
  /** Stable id, used in `source` as `ci:<id>`. */
  id: string;
  /** Display name. */
  name: string;
  /** True when `env` shows this provider is running the build. */
  detect(env: EnvVars): boolean;
  /** The ref facts from this provider's variables (only meaningful when detected). */
  read(env: EnvVars): CiRefFacts;
}

/** {@link CiRefFacts} plus the id of the provider that gave them. */
export interface CiRef extends CiRefFacts {
  provider: string;
}

/** A non-empty, trimmed value or undefined. */
function val(env: EnvVars, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function first(env: EnvVars, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = val(env, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** True for values a provider uses to mean "yes" (`true`, `True`, `1`, any other non-empty). */
function flag(env: EnvVars, name: string): boolean {
  const v = val(env, name);
  return v !== undefined && v.toLowerCase() !== 'false' && v !== '0';
}

/** A pull-request number variable that is set and not the literal `false` some providers use. */
function prNumber(env: EnvVars, name: string): boolean {
  const v = val(env, name);
  return v !== undefined && v.toLowerCase() !== 'false';
}

function stripPrefix(value: string | undefined, prefix: string): string | undefined {
  return value?.startsWith(prefix) ? value.slice(prefix.length) || undefined : value;
}

/** `refs/heads/x` → branch x, `refs/tags/x` → tag x; anything else (refs/pull/…) → nothing. */
function fromFullRef(ref: string | undefined): { branch?: string; tag?: string } {
  if (ref?.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref?.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  return {};
}

const SHA = /^[0-9a-f]{40}$/i;

/**
 * Drops unset fields (exactOptionalPropertyTypes), shas that are not full 40-hex, and a branch
 * equal to the tag (several providers put the tag name in their branch variable on tag builds).
 */
function facts(f: { branch?: string | undefined; tag?: string | undefined; prBranch?: string | undefined; sha?: string | undefined }): CiRefFacts {
  const out: CiRefFacts = {};
  if (f.tag) out.tag = f.tag;
  if (f.prBranch) out.prBranch = f.prBranch;
  if (f.branch && f.branch !== f.tag) out.branch = f.branch;
  if (f.sha && SHA.test(f.sha)) out.sha = f.sha.toLowerCase();
  return out;
}

/** Every supported provider, in detection order (more specific markers first). */
export const CI_PROVIDERS: readonly CiProvider[] = [
  {
    id: 'github',
    name: 'GitHub Actions',
    detect: (env) => flag(env, 'GITHUB_ACTIONS'),
    read(env) {
      // On pull_request events GITHUB_REF is refs/pull/N/merge and GITHUB_REF_NAME is "N/merge",
      // which is not a branch; the source branch is GITHUB_HEAD_REF.
      const ref = val(env, 'GITHUB_REF');
      const type = val(env, 'GITHUB_REF_TYPE');
      const name = val(env, 'GITHUB_REF_NAME');
      const full = fromFullRef(ref);
      const prBranch = val(env, 'GITHUB_HEAD_REF');
      const tag = full.tag ?? (ref === undefined && type === 'tag' ? name : undefined);
      const branch = full.branch ?? (ref === undefined && type === 'branch' && !prBranch ? name : undefined);
      return facts({ tag, prBranch, branch, sha: val(env, 'GITHUB_SHA') });
    },
  },
  {
    id: 'gitlab',
    name: 'GitLab CI/CD',
    detect: (env) => flag(env, 'GITLAB_CI'),
    read(env) {
      const tag = val(env, 'CI_COMMIT_TAG');
      // CI_COMMIT_REF_NAME is the tag name in tag pipelines, so it only counts without a tag.
      const branch = val(env, 'CI_COMMIT_BRANCH') ?? (tag ? undefined : val(env, 'CI_COMMIT_REF_NAME'));
      return facts({ tag, prBranch: val(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'), branch, sha: val(env, 'CI_COMMIT_SHA') });
    },
  },
  {
    id: 'bitbucket',
    name: 'Bitbucket Pipelines',
    detect: (env) => val(env, 'BITBUCKET_BUILD_NUMBER') !== undefined || val(env, 'BITBUCKET_COMMIT') !== undefined,
    read(env) {
      // In pull-request pipelines BITBUCKET_BRANCH is the source branch.
      const branch = val(env, 'BITBUCKET_BRANCH');
      const isPr = val(env, 'BITBUCKET_PR_ID') !== undefined;
      return facts({ tag: val(env, 'BITBUCKET_TAG'), prBranch: isPr ? branch : undefined, branch: isPr ? undefined : branch, sha: val(env, 'BITBUCKET_COMMIT') });
    },
  },
  {
    id: 'circleci',
    name: 'CircleCI',
    detect: (env) => flag(env, 'CIRCLECI'),
    read(env) {
      const branch = val(env, 'CIRCLE_BRANCH');
      const isPr = first(env, 'CIRCLE_PULL_REQUEST', 'CIRCLE_PR_NUMBER') !== undefined;
      return facts({ tag: val(env, 'CIRCLE_TAG'), prBranch: isPr ? branch : undefined, branch: isPr ? undefined : branch, sha: val(env, 'CIRCLE_SHA1') });
    },
  },
  {
    id: 'azure',
    name: 'Azure Pipelines',
    detect: (env) => flag(env, 'TF_BUILD'),
    read(env) {
      // BUILD_SOURCEBRANCH is a full ref (refs/pull/N/merge for PRs); the PR source branch is
      // documented as full but seen short, so both are accepted.
      const full = fromFullRef(val(env, 'BUILD_SOURCEBRANCH'));
      const prBranch = stripPrefix(val(env, 'SYSTEM_PULLREQUEST_SOURCEBRANCH'), 'refs/heads/');
      return facts({ tag: full.tag, prBranch, branch: full.branch, sha: val(env, 'BUILD_SOURCEVERSION') });
    },
  },
  {
    id: 'buildkite',
    name: 'Buildkite',
    detect: (env) => flag(env, 'BUILDKITE'),
    read(env) {
      // BUILDKITE_BRANCH is the PR's source branch; BUILDKITE_PULL_REQUEST is "false" or a number.
      const branch = val(env, 'BUILDKITE_BRANCH');
      const isPr = prNumber(env, 'BUILDKITE_PULL_REQUEST');
      return facts({ tag: val(env, 'BUILDKITE_TAG'), prBranch: isPr ? branch : undefined, branch: isPr ? undefined : branch, sha: val(env, 'BUILDKITE_COMMIT') });
    },
  },
  {
    id: 'jenkins',
    name: 'Jenkins',
    detect: (env) => val(env, 'JENKINS_URL') !== undefined,
    read(env) {
      // Multibranch pipelines: BRANCH_NAME is "PR-12" for pull requests (CHANGE_ID set), and the
      // tag name for tag builds. GIT_BRANCH is left to resolveRef's own rule 3.
      const tag = val(env, 'TAG_NAME');
      const isPr = val(env, 'CHANGE_ID') !== undefined;
      const prBranch = first(env, 'CHANGE_BRANCH', 'ghprbSourceBranch', 'gitlabSourceBranch');
      const branch = isPr || tag ? undefined : first(env, 'BRANCH_NAME', 'GIT_LOCAL_BRANCH');
      return facts({ tag, prBranch, branch, sha: first(env, 'GIT_COMMIT', 'ghprbActualCommit') });
    },
  },
  {
    id: 'travis',
    name: 'Travis CI',
    detect: (env) => flag(env, 'TRAVIS'),
    read(env) {
      // TRAVIS_BRANCH is the target branch for PRs and the tag name for tag builds.
      const tag = val(env, 'TRAVIS_TAG');
      const isPr = prNumber(env, 'TRAVIS_PULL_REQUEST');
      return facts({ tag, prBranch: val(env, 'TRAVIS_PULL_REQUEST_BRANCH'), branch: isPr || tag ? undefined : val(env, 'TRAVIS_BRANCH'), sha: val(env, 'TRAVIS_COMMIT') });
    },
  },
  {
    // Before drone: Woodpecker started as a Drone fork.
    id: 'woodpecker',
    name: 'Woodpecker CI',
    detect: (env) => val(env, 'CI') === 'woodpecker',
    read(env) {
      const isPr = first(env, 'CI_PIPELINE_EVENT', 'CI_BUILD_EVENT') === 'pull_request';
      return facts({
        tag: val(env, 'CI_COMMIT_TAG'),
        prBranch: isPr ? val(env, 'CI_COMMIT_SOURCE_BRANCH') : undefined,
        branch: isPr ? undefined : val(env, 'CI_COMMIT_BRANCH'),
        sha: val(env, 'CI_COMMIT_SHA'),
      });
    },
  },
  {
    id: 'drone',
    name: 'Drone',
    detect: (env) => flag(env, 'DRONE'),
    read(env) {
      const isPr = val(env, 'DRONE_BUILD_EVENT') === 'pull_request';
      return facts({
        tag: val(env, 'DRONE_TAG'),
        prBranch: isPr ? val(env, 'DRONE_SOURCE_BRANCH') : undefined,
        branch: isPr ? undefined : val(env, 'DRONE_BRANCH'),
        sha: val(env, 'DRONE_COMMIT_SHA'),
      });
    },
  },
  {
    // TeamCity keeps the branch in a properties file, not the environment: only the sha is known,
    // so it is detected (the trail can say why rule 5 found nothing) but names no ref.
    id: 'teamcity',
    name: 'TeamCity',
    detect: (env) => val(env, 'TEAMCITY_VERSION') !== undefined,
    read: (env) => facts({ sha: val(env, 'BUILD_VCS_NUMBER') }),
  },
];

/**
 * Returns the first provider of {@link CI_PROVIDERS} whose markers are set in `env`, or
 * `undefined` outside CI. Pure; never throws.
 */
export function detectCi(env: EnvVars): CiProvider | undefined {
  return CI_PROVIDERS.find((p) => p.detect(env));
}

/**
 * Returns the detected provider's ref facts (`{provider, tag?, prBranch?, branch?, sha?}`), or
 * `undefined` when no provider is detected. Pure; never throws.
 */
export function readCiRef(env: EnvVars): CiRef | undefined {
  const provider = detectCi(env);
  return provider ? { provider: provider.id, ...provider.read(env) } : undefined;
}

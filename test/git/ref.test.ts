import { afterEach, describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { resolveRef, stripBranchPrefix } from '../../src/git/ref.js';
import type { ResolveRefOptions } from '../../src/git/ref.js';
import { openRepo } from '../../src/git/repo.js';
import { cleanupRepos, createRepo, shallowClone, tempDir } from './helpers.js';
import type { TestRepo } from './helpers.js';

afterEach(cleanupRepos);

async function resolveIn(repo: TestRepo, options: Omit<ResolveRefOptions, 'repo' | 'env'> & { env?: ResolveRefOptions['env'] } = {}) {
  return resolveRef({ repo: await openRepo(repo.dir), env: {}, ...options });
}

/** Awaits a rejection and returns it as a PrefectGitError (fails the test otherwise). */
async function rejection(promise: Promise<unknown>): Promise<PrefectGitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrefectGitError);
  return error as PrefectGitError;
}

describe('rule 1: --tag / --branch', () => {
  it('takes --tag with the tag commit, not HEAD', async () => {
    const repo = createRepo({ commits: 2 });
    const first = repo.git('rev-parse', 'HEAD~1');
    repo.git('tag', 'v1.0.0', first);
    const { ref, trail } = await resolveIn(repo, { tag: 'v1.0.0', env: { BUILD_TAG: 'other', GIT_BRANCH: 'main' } });
    expect(ref).toEqual({ type: 'tag', name: 'v1.0.0', commit: first, source: 'flag' });
    expect(trail).toEqual([{ rule: 'flag', outcome: `chosen: tag v1.0.0 from --tag; commit ${first.slice(0, 7)} (local tag)` }]);
  });

  it('takes --branch with HEAD as commit', async () => {
    const repo = createRepo();
    const { ref } = await resolveIn(repo, { branch: 'release', env: { BUILD_TAG: 'v9' } });
    expect(ref).toEqual({ type: 'branch', name: 'release', commit: repo.head(), source: 'flag' });
  });

  it('refuses --tag together with --branch (E_USAGE, exit 2)', async () => {
    const error = await rejection(resolveIn(createRepo(), { tag: 'v1', branch: 'main' }));
    expect(error.code).toBe('E_USAGE');
    expect(error.exitCode).toBe(2);
  });

  it('refuses empty flag values (an unset CI variable) instead of falling through to the next rules', async () => {
    await expect(resolveIn(createRepo(), { tag: '' })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(resolveIn(createRepo(), { branch: '  ' })).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('rule 2: BUILD_TAG', () => {
  it('wins over GIT_BRANCH and the active branch', async () => {
    const repo = createRepo();
    repo.git('tag', 'v2.0.0');
    const { ref, trail } = await resolveIn(repo, { env: { BUILD_TAG: 'v2.0.0', GIT_BRANCH: 'origin/main' } });
    expect(ref).toEqual({ type: 'tag', name: 'v2.0.0', commit: repo.head(), source: 'BUILD_TAG' });
    expect(trail.map((t) => t.rule)).toEqual(['flag', 'BUILD_TAG']);
    expect(trail[0]?.outcome).toBe('skipped: no --tag or --branch');
  });

  it("skips Jenkins' own BUILD_TAG (jenkins-…) when JENKINS_URL is set, and says so", async () => {
    const repo = createRepo();
    const { ref, trail } = await resolveIn(repo, { env: { JENKINS_URL: 'https://ci.example.com/', BUILD_TAG: 'jenkins-job-12', GIT_BRANCH: 'origin/main' } });
    expect(ref).toEqual({ type: 'branch', name: 'main', commit: repo.head(), source: 'GIT_BRANCH' });
    expect(trail[1]).toEqual({ rule: 'BUILD_TAG', outcome: 'skipped: Jenkins build id jenkins-job-12, not a git tag' });
  });

  it('treats jenkins-… as a real tag outside Jenkins', async () => {
    const error = await rejection(resolveIn(createRepo(), { env: { BUILD_TAG: 'jenkins-job-12', GIT_BRANCH: 'main' } }));
    expect(error.code).toBe('E_TAG_NOT_FOUND');
  });

  it('fails with E_TAG_NOT_FOUND (exit 3) and a push/fetch hint when the tag exists nowhere', async () => {
    const error = await rejection(resolveIn(createRepo(), { env: { BUILD_TAG: 'v404' } }));
    expect(error.code).toBe('E_TAG_NOT_FOUND');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('tag v404 from BUILD_TAG exists neither locally nor on origin');
    expect(error.hint).toContain('git push origin refs/tags/v404');
    expect(error.hint).toContain('git fetch --tags origin');
    expect(error.details?.trail).toEqual([
      { rule: 'flag', outcome: 'skipped: no --tag or --branch' },
      { rule: 'BUILD_TAG', outcome: 'failed: tag v404 exists neither locally nor on origin' },
    ]);
  });

  it('finds a tag that exists only on the remote, with its peeled commit', async () => {
    const repo = createRepo({ commits: 2 });
    const first = repo.git('rev-parse', 'HEAD~1');
    repo.git('tag', '-a', 'v0.9', '-m', 'annotated', first);
    repo.git('push', '-q', 'origin', 'v0.9');
    repo.git('tag', '-d', 'v0.9');
    const { ref, trail } = await resolveIn(repo, { env: { BUILD_TAG: 'v0.9' } });
    expect(ref).toEqual({ type: 'tag', name: 'v0.9', commit: first, source: 'BUILD_TAG' });
    expect(trail.at(-1)?.outcome).toContain('(only on origin)');
  });

  it('uses the peeled commit of a local annotated tag, not the tag object', async () => {
    const repo = createRepo();
    repo.git('tag', '-a', 'v3', '-m', 'annotated');
    const { ref } = await resolveIn(repo, { env: { BUILD_TAG: 'v3' } });
    expect(ref.commit).toBe(repo.head());
    expect(ref.commit).not.toBe(repo.git('rev-parse', 'refs/tags/v3'));
  });

  it('reports a missing tag and no remote to look on', async () => {
    const error = await rejection(resolveIn(createRepo({ origin: false }), { env: { BUILD_TAG: 'v1' } }));
    expect(error.code).toBe('E_TAG_NOT_FOUND');
    expect(error.message).toContain('no remote "origin"');
  });
});

describe('rule 3: GIT_BRANCH', () => {
  it.each([
    ['origin/main', 'main'],
    ['refs/heads/feature/x', 'feature/x'],
    ['refs/remotes/origin/release', 'release'],
    ['upstream/dev', 'dev'],
    ['feature/y', 'feature/y'],
    ['main', 'main'],
  ])('GIT_BRANCH=%s → branch %s', async (value, expected) => {
    const repo = createRepo();
    repo.git('remote', 'add', 'upstream', repo.origin ?? '');
    const { ref } = await resolveIn(repo, { env: { GIT_BRANCH: value } });
    expect(ref).toEqual({ type: 'branch', name: expected, commit: repo.head(), source: 'GIT_BRANCH' });
  });

  it('strips the chosen remote even when it is not configured', async () => {
    const { ref } = await resolveIn(createRepo(), { remote: 'gitlab', env: { GIT_BRANCH: 'gitlab/main' } });
    expect(ref.name).toBe('main');
  });

  it('wins over the active branch', async () => {
    const repo = createRepo();
    const { ref, trail } = await resolveIn(repo, { env: { GIT_BRANCH: 'release' } });
    expect(ref.name).toBe('release');
    expect(trail.map((t) => t.rule)).toEqual(['flag', 'BUILD_TAG', 'GIT_BRANCH']);
  });
});

describe('rule 4: active branch', () => {
  it('takes the checked-out branch and HEAD', async () => {
    const repo = createRepo({ commits: 2 });
    repo.git('checkout', '-q', '-b', 'feature/a');
    const { ref, trail } = await resolveIn(repo);
    expect(ref).toEqual({ type: 'branch', name: 'feature/a', commit: repo.head(), source: 'active-branch' });
    expect(trail).toEqual([
      { rule: 'flag', outcome: 'skipped: no --tag or --branch' },
      { rule: 'BUILD_TAG', outcome: 'skipped: not set' },
      { rule: 'GIT_BRANCH', outcome: 'skipped: not set' },
      { rule: 'active-branch', outcome: `chosen: branch feature/a; commit ${repo.head().slice(0, 7)} (HEAD)` },
    ]);
  });

  it('works in a shallow clone', async () => {
    const source = createRepo({ commits: 3 });
    const clone = shallowClone(source.origin ?? '');
    expect(clone.git('rev-parse', '--is-shallow-repository')).toBe('true');
    const { ref } = await resolveIn(clone);
    expect(ref).toEqual({ type: 'branch', name: 'main', commit: source.head(), source: 'active-branch' });
  });

  it('finds in a shallow clone a tag that was not fetched, through ls-remote', async () => {
    const source = createRepo({ commits: 3 });
    const old = source.git('rev-parse', 'HEAD~2');
    source.git('tag', 'v-old', old);
    source.git('push', '-q', 'origin', 'v-old');
    const clone = shallowClone(source.origin ?? '');
    expect(() => clone.git('rev-parse', '--verify', '-q', 'refs/tags/v-old')).toThrow();
    const { ref } = await resolveIn(clone, { env: { BUILD_TAG: 'v-old' } });
    expect(ref).toEqual({ type: 'tag', name: 'v-old', commit: old, source: 'BUILD_TAG' });
  });
});

describe('rules 5 and 6: detached HEAD', () => {
  function detached(): TestRepo {
    const repo = createRepo({ commits: 2 });
    repo.git('tag', 'v1.0.0');
    repo.git('checkout', '-q', '--detach', 'HEAD');
    return repo;
  }

  const providers: Array<[string, Record<string, string>, { type: 'branch' | 'tag'; name: string; source: string }]> = [
    ['github tag', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/tags/v1.0.0', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.0.0' }, { type: 'tag', name: 'v1.0.0', source: 'ci:github' }],
    ['github PR', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/pull/7/merge', GITHUB_HEAD_REF: 'feature/pr', GITHUB_REF_NAME: '7/merge' }, { type: 'branch', name: 'feature/pr', source: 'ci:github' }],
    ['github branch', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' }, { type: 'branch', name: 'main', source: 'ci:github' }],
    ['gitlab tag', { GITLAB_CI: 'true', CI_COMMIT_TAG: 'v1.0.0', CI_COMMIT_REF_NAME: 'v1.0.0' }, { type: 'tag', name: 'v1.0.0', source: 'ci:gitlab' }],
    ['gitlab MR', { GITLAB_CI: 'true', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'mr-src', CI_COMMIT_REF_NAME: 'mr-src' }, { type: 'branch', name: 'mr-src', source: 'ci:gitlab' }],
    ['bitbucket branch', { BITBUCKET_BUILD_NUMBER: '5', BITBUCKET_BRANCH: 'dev' }, { type: 'branch', name: 'dev', source: 'ci:bitbucket' }],
    ['circleci tag', { CIRCLECI: 'true', CIRCLE_TAG: 'v1.0.0' }, { type: 'tag', name: 'v1.0.0', source: 'ci:circleci' }],
    ['azure branch', { TF_BUILD: 'True', BUILD_SOURCEBRANCH: 'refs/heads/release/1' }, { type: 'branch', name: 'release/1', source: 'ci:azure' }],
    ['buildkite PR', { BUILDKITE: 'true', BUILDKITE_BRANCH: 'pr-branch', BUILDKITE_PULL_REQUEST: '12' }, { type: 'branch', name: 'pr-branch', source: 'ci:buildkite' }],
    ['jenkins multibranch', { JENKINS_URL: 'https://ci/', BUILD_TAG: 'jenkins-x-1', BRANCH_NAME: 'main' }, { type: 'branch', name: 'main', source: 'ci:jenkins' }],
    ['travis tag', { TRAVIS: 'true', TRAVIS_TAG: 'v1.0.0', TRAVIS_BRANCH: 'v1.0.0' }, { type: 'tag', name: 'v1.0.0', source: 'ci:travis' }],
    ['drone branch', { DRONE: 'true', DRONE_BRANCH: 'main', DRONE_BUILD_EVENT: 'push' }, { type: 'branch', name: 'main', source: 'ci:drone' }],
    ['woodpecker branch', { CI: 'woodpecker', CI_COMMIT_BRANCH: 'main', CI_PIPELINE_EVENT: 'push' }, { type: 'branch', name: 'main', source: 'ci:woodpecker' }],
  ];

  it.each(providers)('%s', async (_label, env, expected) => {
    const repo = detached();
    const { ref, trail } = await resolveIn(repo, { env });
    expect({ type: ref.type, name: ref.name, source: ref.source }).toEqual(expected);
    expect(ref.commit).toBe(repo.head());
    expect(trail.find((t) => t.rule === 'active-branch')?.outcome).toBe(`skipped: HEAD is detached at ${repo.head().slice(0, 7)}`);
    expect(trail.at(-1)?.rule).toBe(expected.source);
  });

  it('fails with E_DETACHED_HEAD outside CI, with the hint and the trail', async () => {
    const error = await rejection(resolveIn(detached()));
    expect(error.code).toBe('E_DETACHED_HEAD');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('detached HEAD and no ref given');
    expect(error.hint).toMatch(/BUILD_TAG.*GIT_BRANCH/);
    expect((error.details?.trail as Array<{ rule: string }>).map((t) => t.rule)).toEqual(['flag', 'BUILD_TAG', 'GIT_BRANCH', 'active-branch', 'ci']);
  });

  it('fails with E_DETACHED_HEAD when the detected provider names no ref', async () => {
    const error = await rejection(resolveIn(detached(), { env: { TEAMCITY_VERSION: '2024.1' } }));
    expect(error.code).toBe('E_DETACHED_HEAD');
    expect(error.details?.trail).toContainEqual({ rule: 'ci:teamcity', outcome: 'skipped: teamcity detected but its variables name no branch or tag' });
  });

  it('ignores CI variables when a branch is checked out', async () => {
    const { ref } = await resolveIn(createRepo(), { env: { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/other' } });
    expect(ref).toMatchObject({ name: 'main', source: 'active-branch' });
  });
});

describe('errors before any rule', () => {
  it('E_NO_COMMITS in a repository without commits', async () => {
    const error = await rejection(resolveIn(createRepo({ commits: 0 })));
    expect(error.code).toBe('E_NO_COMMITS');
  });

  it('E_NOT_A_REPO outside a git work tree, with a hint', async () => {
    const error = await rejection(openRepo(tempDir()));
    expect(error.code).toBe('E_NOT_A_REPO');
    expect(error.hint).toBeTruthy();
  });

  const invalid: Array<[string, Omit<ResolveRefOptions, 'repo' | 'env'> & { env?: Record<string, string> }, boolean]> = [
    ['--branch with ..', { branch: 'a..b' }, false],
    ['--branch starting with -', { branch: '-rf' }, false],
    ['--tag starting with -', { tag: '--upload-pack=evil' }, false],
    ['BUILD_TAG with a space', { env: { BUILD_TAG: 'v 1' } }, false],
    ['GIT_BRANCH ending in .lock', { env: { GIT_BRANCH: 'origin/x.lock' } }, false],
    ['CI tag with ~ on a detached HEAD', { env: { GITLAB_CI: 'true', CI_COMMIT_TAG: 'v1~1' } }, true],
    ['--remote starting with -', { remote: '-x' }, false],
  ];
  it.each(invalid)('E_REF_NAME for %s', async (_label, options, detach) => {
    const repo = createRepo();
    if (detach) repo.git('checkout', '-q', '--detach');
    const error = await rejection(resolveIn(repo, options));
    expect(error.code).toBe('E_REF_NAME');
    expect(error.exitCode).toBe(3);
  });
});

describe('stripBranchPrefix', () => {
  it('removes only one prefix, longest remote first', () => {
    expect(stripBranchPrefix('a/b/main', ['a', 'a/b'])).toBe('main');
    expect(stripBranchPrefix('origin/origin/x', ['origin'])).toBe('origin/x');
    expect(stripBranchPrefix('originx/main', ['origin'])).toBe('originx/main');
  });
});

import { describe, expect, it } from 'vitest';
import { CI_PROVIDERS, detectCi, readCiRef } from '../../src/git/ci-env.js';
import type { CiRef } from '../../src/git/ci-env.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const table: Array<[string, Record<string, string>, CiRef | undefined]> = [
  ['no CI', { PATH: '/usr/bin', CI: 'true' }, undefined],
  // GitHub Actions
  ['github push to a branch', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/feature/x', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'feature/x', GITHUB_SHA: SHA }, { provider: 'github', branch: 'feature/x', sha: SHA }],
  ['github tag', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/tags/v1.2.0', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.2.0' }, { provider: 'github', tag: 'v1.2.0' }],
  ['github pull request', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/pull/42/merge', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: '42/merge', GITHUB_HEAD_REF: 'fix/bug', GITHUB_BASE_REF: 'main' }, { provider: 'github', prBranch: 'fix/bug' }],
  ['github without GITHUB_REF', { GITHUB_ACTIONS: 'true', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v2' }, { provider: 'github', tag: 'v2' }],
  ['github short sha is dropped', { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'abc123' }, { provider: 'github', branch: 'main' }],
  // GitLab
  ['gitlab branch', { GITLAB_CI: 'true', CI_COMMIT_BRANCH: 'main', CI_COMMIT_REF_NAME: 'main', CI_COMMIT_SHA: SHA }, { provider: 'gitlab', branch: 'main', sha: SHA }],
  ['gitlab tag (REF_NAME is the tag)', { GITLAB_CI: 'true', CI_COMMIT_TAG: 'v1', CI_COMMIT_REF_NAME: 'v1' }, { provider: 'gitlab', tag: 'v1' }],
  ['gitlab merge request', { GITLAB_CI: 'true', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'mr/src', CI_COMMIT_REF_NAME: 'mr/src' }, { provider: 'gitlab', prBranch: 'mr/src', branch: 'mr/src' }],
  // Bitbucket
  ['bitbucket branch', { BITBUCKET_BUILD_NUMBER: '7', BITBUCKET_BRANCH: 'dev', BITBUCKET_COMMIT: SHA }, { provider: 'bitbucket', branch: 'dev', sha: SHA }],
  ['bitbucket tag', { BITBUCKET_COMMIT: SHA, BITBUCKET_TAG: 'v3' }, { provider: 'bitbucket', tag: 'v3', sha: SHA }],
  ['bitbucket pull request', { BITBUCKET_BUILD_NUMBER: '7', BITBUCKET_BRANCH: 'feat', BITBUCKET_PR_ID: '9', BITBUCKET_PR_DESTINATION_BRANCH: 'main' }, { provider: 'bitbucket', prBranch: 'feat' }],
  // CircleCI
  ['circleci branch', { CIRCLECI: 'true', CIRCLE_BRANCH: 'main', CIRCLE_SHA1: SHA }, { provider: 'circleci', branch: 'main', sha: SHA }],
  ['circleci tag', { CIRCLECI: 'true', CIRCLE_TAG: 'v4' }, { provider: 'circleci', tag: 'v4' }],
  ['circleci pull request', { CIRCLECI: 'true', CIRCLE_BRANCH: 'pull/12', CIRCLE_PULL_REQUEST: 'https://github.com/a/b/pull/12' }, { provider: 'circleci', prBranch: 'pull/12' }],
  // Azure Pipelines
  ['azure branch', { TF_BUILD: 'True', BUILD_SOURCEBRANCH: 'refs/heads/release/2', BUILD_SOURCEVERSION: SHA }, { provider: 'azure', branch: 'release/2', sha: SHA }],
  ['azure tag', { TF_BUILD: 'True', BUILD_SOURCEBRANCH: 'refs/tags/v5' }, { provider: 'azure', tag: 'v5' }],
  ['azure pull request (full ref)', { TF_BUILD: 'True', BUILD_SOURCEBRANCH: 'refs/pull/3/merge', SYSTEM_PULLREQUEST_SOURCEBRANCH: 'refs/heads/topic' }, { provider: 'azure', prBranch: 'topic' }],
  ['azure pull request (short)', { TF_BUILD: 'True', BUILD_SOURCEBRANCH: 'refs/pull/3/merge', SYSTEM_PULLREQUEST_SOURCEBRANCH: 'topic' }, { provider: 'azure', prBranch: 'topic' }],
  // Buildkite
  ['buildkite branch', { BUILDKITE: 'true', BUILDKITE_BRANCH: 'main', BUILDKITE_PULL_REQUEST: 'false', BUILDKITE_COMMIT: SHA }, { provider: 'buildkite', branch: 'main', sha: SHA }],
  ['buildkite pull request', { BUILDKITE: 'true', BUILDKITE_BRANCH: 'topic', BUILDKITE_PULL_REQUEST: '17', BUILDKITE_PULL_REQUEST_BASE_BRANCH: 'main' }, { provider: 'buildkite', prBranch: 'topic' }],
  ['buildkite tag, commit "HEAD" is not a sha', { BUILDKITE: 'true', BUILDKITE_TAG: 'v6', BUILDKITE_BRANCH: 'v6', BUILDKITE_COMMIT: 'HEAD' }, { provider: 'buildkite', tag: 'v6' }],
  // Jenkins
  ['jenkins multibranch branch', { JENKINS_URL: 'https://ci/', BRANCH_NAME: 'main', GIT_BRANCH: 'origin/main', GIT_COMMIT: SHA }, { provider: 'jenkins', branch: 'main', sha: SHA }],
  ['jenkins tag build', { JENKINS_URL: 'https://ci/', TAG_NAME: 'v7', BRANCH_NAME: 'v7' }, { provider: 'jenkins', tag: 'v7' }],
  ['jenkins pull request', { JENKINS_URL: 'https://ci/', BRANCH_NAME: 'PR-12', CHANGE_ID: '12', CHANGE_BRANCH: 'feature/z', CHANGE_TARGET: 'main' }, { provider: 'jenkins', prBranch: 'feature/z' }],
  ['jenkins freestyle: GIT_BRANCH is rule 3, not read here', { JENKINS_URL: 'https://ci/', GIT_BRANCH: 'origin/main' }, { provider: 'jenkins' }],
  // Travis
  ['travis branch', { TRAVIS: 'true', TRAVIS_BRANCH: 'main', TRAVIS_PULL_REQUEST: 'false', TRAVIS_COMMIT: SHA }, { provider: 'travis', branch: 'main', sha: SHA }],
  ['travis tag', { TRAVIS: 'true', TRAVIS_TAG: 'v8', TRAVIS_BRANCH: 'v8', TRAVIS_PULL_REQUEST: 'false' }, { provider: 'travis', tag: 'v8' }],
  ['travis pull request', { TRAVIS: 'true', TRAVIS_BRANCH: 'main', TRAVIS_PULL_REQUEST: '5', TRAVIS_PULL_REQUEST_BRANCH: 'pr-src' }, { provider: 'travis', prBranch: 'pr-src' }],
  // Woodpecker and Drone
  ['woodpecker push', { CI: 'woodpecker', CI_PIPELINE_EVENT: 'push', CI_COMMIT_BRANCH: 'main', CI_COMMIT_SHA: SHA }, { provider: 'woodpecker', branch: 'main', sha: SHA }],
  ['woodpecker pull request', { CI: 'woodpecker', CI_PIPELINE_EVENT: 'pull_request', CI_COMMIT_BRANCH: 'main', CI_COMMIT_SOURCE_BRANCH: 'wp-src' }, { provider: 'woodpecker', prBranch: 'wp-src' }],
  ['woodpecker tag', { CI: 'woodpecker', CI_PIPELINE_EVENT: 'tag', CI_COMMIT_TAG: 'v9' }, { provider: 'woodpecker', tag: 'v9' }],
  ['drone push', { DRONE: 'true', DRONE_BUILD_EVENT: 'push', DRONE_BRANCH: 'main', DRONE_COMMIT_SHA: SHA }, { provider: 'drone', branch: 'main', sha: SHA }],
  ['drone pull request', { DRONE: 'true', DRONE_BUILD_EVENT: 'pull_request', DRONE_BRANCH: 'main', DRONE_SOURCE_BRANCH: 'dr-src', DRONE_TARGET_BRANCH: 'main' }, { provider: 'drone', prBranch: 'dr-src' }],
  ['drone tag', { DRONE: 'true', DRONE_BUILD_EVENT: 'tag', DRONE_TAG: 'v10' }, { provider: 'drone', tag: 'v10' }],
  // TeamCity: detected, no ref in the environment
  ['teamcity', { TEAMCITY_VERSION: '2024.1', BUILD_VCS_NUMBER: SHA }, { provider: 'teamcity', sha: SHA }],
  // Empty values count as unset
  ['empty values are ignored', { GITLAB_CI: 'true', CI_COMMIT_TAG: '', CI_COMMIT_BRANCH: '  ', CI_COMMIT_REF_NAME: 'dev' }, { provider: 'gitlab', branch: 'dev' }],
  ['GITHUB_ACTIONS=false is not GitHub', { GITHUB_ACTIONS: 'false', GITLAB_CI: 'true', CI_COMMIT_BRANCH: 'x' }, { provider: 'gitlab', branch: 'x' }],
];

describe('readCiRef', () => {
  it.each(table)('%s', (_label, env, expected) => {
    expect(readCiRef(env)).toEqual(expected);
  });
});

describe('CI_PROVIDERS', () => {
  it('has unique ids, including the required providers', () => {
    const ids = CI_PROVIDERS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['github', 'gitlab', 'bitbucket', 'circleci', 'azure', 'buildkite', 'jenkins', 'travis', 'drone', 'woodpecker']));
  });

  it('detects Woodpecker before Drone, and nothing in an empty env', () => {
    expect(detectCi({ CI: 'woodpecker', DRONE: 'true' })?.id).toBe('woodpecker');
    expect(detectCi({})).toBeUndefined();
  });

  it('every provider is detected by its own table row', () => {
    const detected = new Set(table.map(([, env]) => detectCi(env)?.id).filter((id) => id !== undefined));
    for (const provider of CI_PROVIDERS) expect(detected).toContain(provider.id);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { parseRemoteUrl } from '../../src/git/remote.js';
import { assertFlowPath, buildGitStorage, defaultTokenUsername, toFlowPath } from '../../src/storage/git-storage.js';
import type { BuildGitStorageOptions } from '../../src/storage/git-storage.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/golden/serialized', import.meta.url));

function goldenFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return goldenFiles(path);
    return entry.name.endsWith('.json') && !entry.name.endsWith('.meta.json') ? [path] : [];
  });
}

interface GoldenMeta {
  flow_name: string;
  flow_path: string;
  prefect_version: string;
  storage_args: { repo_host: string; repo: string; branch_name: string | null; tag: string | null; git_token_secret_name: string | null; git_token_username: string | null };
}

const golden = goldenFiles(GOLDEN).map((file) => {
  const meta = JSON.parse(readFileSync(file.replace(/\.json$/, '.meta.json'), 'utf8')) as GoldenMeta;
  const flow = JSON.parse(readFileSync(file, 'utf8')) as { storage: Record<string, unknown> };
  return { name: relative(GOLDEN, file), meta, storage: flow.storage };
});

function goldenOptions(meta: GoldenMeta): BuildGitStorageOptions {
  const args = meta.storage_args;
  return {
    ref: args.tag !== null ? { type: 'tag', name: args.tag } : { type: 'branch', name: args.branch_name ?? '' },
    flowPath: meta.flow_path,
    flowName: meta.flow_name,
    tokenSecret: args.git_token_secret_name,
    tokenUsername: args.git_token_username,
    prefectVersion: meta.prefect_version,
  };
}

function configError(fn: () => unknown): PrefectGitError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PrefectGitError);
    return error as PrefectGitError;
  }
  throw new Error('expected an error');
}

describe('buildGitStorage against the golden files', () => {
  it('covers every golden flow, including the tag folder', () => {
    expect(golden.length).toBe(22);
    expect(golden.filter((g) => g.meta.storage_args.tag === 'v1.2.0').map((g) => g.name)).toEqual([join('my_flows', 'hello_flow.tag-v1.2.0', 'hello-flow.json')]);
  });

  it.each(golden.map((g) => [g.name, g] as const))('%s (from --repo-host/--repo)', (_name, g) => {
    const storage = buildGitStorage({ ...goldenOptions(g.meta), repoHost: g.meta.storage_args.repo_host, repo: g.meta.storage_args.repo });
    expect(storage).toStrictEqual(g.storage);
    expect(Object.keys(storage).sort()).toEqual(Object.keys(g.storage).sort());
  });

  it.each([
    'https://github.com/acme/data-flows.git',
    'git@github.com:acme/data-flows.git',
    'https://x-access-token:ghs_abc@github.com/acme/data-flows',
    'ssh://git@github.com:22/acme/data-flows.git',
  ])('gives the same storage from the remote %s', (url) => {
    for (const g of golden) expect(buildGitStorage({ ...goldenOptions(g.meta), remote: parseRemoteUrl(url) })).toStrictEqual(g.storage);
  });
});

describe('buildGitStorage', () => {
  const base: BuildGitStorageOptions = { ref: { type: 'branch', name: 'main' }, flowPath: 'flows/etl.py', flowName: 'etl', tokenSecret: 'GIT_TOKEN' };

  it.each([
    ['https://gitlab.example.com:8443/group/sub/repo.git', false, 'gitlab.example.com:8443', 'group/sub/repo'],
    ['https://gitlab.example.com:443/group/repo.git', false, 'gitlab.example.com', 'group/repo'],
    ['http://git.internal:8080/team/repo.git', false, 'git.internal:8080', 'team/repo'],
    ['ssh://git@gitlab.example.com:2222/group/repo.git', false, 'gitlab.example.com', 'group/repo'],
    ['git://git.example.org:9418/pub/flows', false, 'git.example.org', 'pub/flows'],
    ['git@github.com:acme/flows.git', true, 'github.com', 'acme/flows'],
    ['https://github.example.com:8443/acme/flows.git', true, 'github.example.com', 'acme/flows'],
  ])('%s (use_ssh %s) → repo_host %s, repo %s', (url, useSsh, repoHost, repo) => {
    const storage = buildGitStorage({ ...base, remote: parseRemoteUrl(url), useSsh });
    expect([storage.repo_host, storage.repo, storage.use_ssh]).toEqual([repoHost, repo, useSsh]);
  });

  it('refuses an ssh remote on a custom port with use_ssh, unless --repo-host is given', () => {
    const remote = parseRemoteUrl('ssh://git@git.example.com:2222/team/repo.git');
    const error = configError(() => buildGitStorage({ ...base, remote, useSsh: true }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('port 2222');
    expect(buildGitStorage({ ...base, remote, useSsh: true, repoHost: 'git-alias' }).repo_host).toBe('git-alias');
  });

  it.each([
    ['github.com', 'acme/flows', 'acme'],
    ['git.example.com', 'team/flows', 'team'],
    ['gitlab.com', 'group/sub/repo', 'oauth2'],
    ['gitlab.example.com:8443', 'group/repo', 'oauth2'],
    ['bitbucket.org', 'team/repo', 'x-token-auth'],
    ['bitbucket.corp.example', 'team/repo', 'x-token-auth'],
  ])('token username on %s for %s is %s', (repoHost, repo, username) => {
    expect(buildGitStorage({ ...base, repoHost, repo }).git_token_username).toBe(username);
  });

  it('keeps an explicit token username, and Prefect\'s owner default without a token or over ssh', () => {
    expect(buildGitStorage({ ...base, repoHost: 'gitlab.com', repo: 'g/r', tokenUsername: 'deploy-token-1' }).git_token_username).toBe('deploy-token-1');
    expect(buildGitStorage({ ...base, repoHost: 'gitlab.com', repo: 'g/r', tokenSecret: null }).git_token_username).toBe('g');
    expect(buildGitStorage({ ...base, repoHost: 'gitlab.com', repo: 'g/r', useSsh: true }).git_token_username).toBe('g');
    expect(defaultTokenUsername('bitbucket.org', 'team/repo', false)).toBe('team');
  });

  it('sets tag xor branch_name, commit null, and the flows map', () => {
    const storage = buildGitStorage({ ...base, repoHost: 'github.com', repo: 'acme/flows', ref: { type: 'tag', name: 'v2' }, flowName: 'two', prefectVersion: '1.2.0' });
    expect(storage).toMatchObject({ tag: 'v2', branch_name: null, commit: null, flows: { two: 'flows/etl.py' }, flow_name: 'two', __version__: '1.2.0', clone_depth: 1 });
  });

  it('takes --repo over the remote path and removes a trailing .git', () => {
    const storage = buildGitStorage({ ...base, remote: parseRemoteUrl('https://github.com/acme/flows.git'), repo: 'other/repo.git' });
    expect([storage.repo_host, storage.repo]).toEqual(['github.com', 'other/repo']);
  });

  it.each<[string, Partial<BuildGitStorageOptions>, RegExp]>([
    ['no repo and no remote', { repoHost: 'github.com' }, /no git remote and no --repo/],
    ['a local-path remote', { remote: parseRemoteUrl('/srv/git/flows.git') }, /local path/],
    ['a URL as --repo', { repo: 'https://github.com/acme/flows' }, /invalid repo/],
    ['a host with credentials', { repo: 'a/b', repoHost: 'user:tok@github.com' }, /invalid repo host "\*\*\*"/],
    ['an absolute flow path', { repo: 'a/b', flowPath: '/flows/etl.py' }, /absolute/],
    ['a flow path with ..', { repo: 'a/b', flowPath: 'flows/../etl.py' }, /segment/],
    ['an empty flow name', { repo: 'a/b', flowName: ' ' }, /flow name is empty/],
  ])('refuses %s with E_CONFIG', (_label, extra, message) => {
    const error = configError(() => buildGitStorage({ ...base, ...extra }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
    expect(error.message).not.toContain('tok@');
  });

  it('refuses an invalid ref name with E_REF_NAME', () => {
    expect(configError(() => buildGitStorage({ ...base, repo: 'a/b', ref: { type: 'tag', name: 'v 1' } })).code).toBe('E_REF_NAME');
  });
});

describe('flow paths', () => {
  it.each([
    ['/repo', 'flows/etl.py', '/repo', 'flows/etl.py'],
    ['/repo', 'etl.py', '/repo/flows', 'flows/etl.py'],
    ['/repo', '../README.py', '/repo/flows', 'README.py'],
    ['/repo', '/repo/flows/a/b.py', '/elsewhere', 'flows/a/b.py'],
    ['/repo/', './flows//x.py', '/repo', 'flows/x.py'],
  ])('toFlowPath(%s, %s, cwd %s) → %s', (root, path, cwd, expected) => {
    expect(toFlowPath(root, path, cwd)).toBe(expected);
  });

  it.each([
    ['/repo', '../other/x.py', '/repo'],
    ['/repo', '/repository/x.py', '/'],
    ['/repo', '.', '/repo'],
  ])('toFlowPath refuses %s %s (cwd %s)', (root, path, cwd) => {
    expect(configError(() => toFlowPath(root, path, cwd)).code).toBe('E_CONFIG');
  });

  it.each(['flows/etl.py', 'a.py', 'deep/er/x.py'])('assertFlowPath accepts %s', (p) => {
    expect(assertFlowPath(p)).toBe(p);
  });

  it.each(['', '/abs.py', 'C:/x.py', 'a\\b.py', './a.py', 'a/../b.py', 'a//b.py', 'a/'])('assertFlowPath refuses %j', (p) => {
    expect(configError(() => assertFlowPath(p)).code).toBe('E_CONFIG');
  });
});

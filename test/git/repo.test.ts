import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { isValidRefName } from '../../src/git/ref-name.js';
import { parseRemoteUrls } from '../../src/git/remotes.js';
import { openRepo, parseLsRemote } from '../../src/git/repo.js';
import { cleanupRepos, createRepo, git, shallowClone, tempDir, writeFile } from './helpers.js';

afterEach(cleanupRepos);

async function openError(dir: string): Promise<PrefectGitError> {
  const error: unknown = await openRepo(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrefectGitError);
  return error as PrefectGitError;
}

describe('openRepo', () => {
  it('finds the top level from a subdirectory', async () => {
    const repo = createRepo();
    writeFile(repo.dir, 'a/b/c.txt', 'x');
    expect((await openRepo(join(repo.dir, 'a', 'b'))).root()).toBe(repo.dir);
  });

  it.each([
    ['a plain folder', () => tempDir()],
    ['a missing folder', () => join(tempDir(), 'missing')],
    ['the .git folder', () => join(createRepo().dir, '.git')],
    ['a bare repository', () => createRepo().origin ?? ''],
  ])('refuses %s with E_NOT_A_REPO (exit 3) and a hint', async (_label, dir) => {
    const error = await openError(dir());
    expect(error.code).toBe('E_NOT_A_REPO');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toContain('clone of your flows repository');
  });
});

describe('GitRepo facts', () => {
  it('reads HEAD, branch, tags and remotes', async () => {
    const repo = createRepo({ commits: 2 });
    repo.git('tag', 'light');
    repo.git('tag', '-a', 'heavy', '-m', 'annotated', 'HEAD~1');
    const r = await openRepo(repo.dir);
    expect(await r.head()).toBe(repo.head());
    expect(await r.currentBranch()).toBe('main');
    expect(await r.tagKind('light')).toBe('lightweight');
    expect(await r.tagKind('heavy')).toBe('annotated');
    expect(await r.tagKind('none')).toBeUndefined();
    expect(await r.tagCommit('heavy')).toBe(repo.git('rev-parse', 'HEAD~1'));
    expect(await r.tagCommit('none')).toBeUndefined();
    expect(await r.resolveCommit('HEAD~1')).toBe(repo.git('rev-parse', 'HEAD~1'));
    expect(await r.remotes()).toEqual(['origin']);
    expect(await r.remoteUrl('origin')).toBe(repo.origin);
    expect(await r.remoteUrl('nope')).toBeUndefined();
    expect(await r.isShallow()).toBe(false);
  });

  it('has no head and a branch in a repository without commits', async () => {
    const r = await openRepo(createRepo({ commits: 0 }).dir);
    expect(await r.head()).toBeUndefined();
    expect(await r.currentBranch()).toBe('main');
  });

  it('has no current branch on a detached HEAD', async () => {
    const repo = createRepo();
    repo.git('checkout', '-q', '--detach');
    expect(await (await openRepo(repo.dir)).currentBranch()).toBeUndefined();
  });

  it('refuses revisions and names starting with "-" before running git', async () => {
    const r = await openRepo(createRepo().dir);
    await expect(r.resolveCommit('--output=x')).rejects.toThrow(PrefectGitError);
    await expect(r.tagKind('-x')).rejects.toThrow(/starts with "-"/);
    await expect(r.show('-p', 'x')).rejects.toMatchObject({ code: 'E_REF_NAME' });
    await expect(r.lsRemote('--upload-pack=touch pwned')).rejects.toThrow(/starts with "-"/);
  });

  it('lists remote heads and tags, peeling annotated tags, and caches the answer', async () => {
    const repo = createRepo({ commits: 2 });
    repo.git('tag', '-a', 'v1', '-m', 'x', 'HEAD~1');
    repo.git('tag', 'v2');
    repo.git('push', '-q', 'origin', 'v1', 'v2', 'main:refs/heads/other');
    const r = await openRepo(repo.dir);
    const refs = await r.lsRemote('origin');
    expect([...refs.heads]).toEqual([
      ['main', repo.head()],
      ['other', repo.head()],
    ]);
    expect(refs.tags.get('v1')).toEqual({ name: 'v1', object: repo.git('rev-parse', 'v1'), commit: repo.git('rev-parse', 'HEAD~1'), annotated: true });
    expect(refs.tags.get('v2')).toEqual({ name: 'v2', object: repo.head(), commit: repo.head(), annotated: false });
    expect(r.lsRemote('origin')).toBe(r.lsRemote('origin'));
  });

  it('says E_NO_REMOTE for an unknown remote', async () => {
    const r = await openRepo(createRepo().dir);
    await expect(r.lsRemote('upstream')).rejects.toMatchObject({ code: 'E_NO_REMOTE' });
  });

  it('finds the default branch from ls-remote --symref and from refs/remotes/<remote>/HEAD', async () => {
    const repo = createRepo();
    repo.git('push', '-q', 'origin', 'main:refs/heads/trunk');
    git(repo.origin ?? '', 'symbolic-ref', 'HEAD', 'refs/heads/trunk');
    expect(await (await openRepo(repo.dir)).remoteDefaultBranch('origin')).toBe('trunk');
    const clone = shallowClone(repo.origin ?? '');
    git(repo.origin ?? '', 'symbolic-ref', 'HEAD', 'refs/heads/main');
    // The clone recorded origin/HEAD → trunk and answers without asking the remote.
    expect(await (await openRepo(clone.dir)).remoteDefaultBranch('origin')).toBe('trunk');
  });

  it('shows file contents at a commit as bytes', async () => {
    const repo = createRepo({ commits: 0 });
    repo.commit('flows', { 'flows/a.py': 'print("é")\n' });
    const r = await openRepo(repo.dir);
    expect((await r.show('HEAD', 'flows/a.py'))?.toString('utf8')).toBe('print("é")\n');
    expect(await r.show('HEAD', 'flows/missing.py')).toBeUndefined();
  });

  it('reports renames in status with the new path', async () => {
    const repo = createRepo({ commits: 0 });
    repo.commit('flows', { 'a.py': 'x\n' });
    repo.git('mv', 'a.py', 'b.py');
    const status = await (await openRepo(repo.dir)).statusPorcelain(['a.py', 'b.py']);
    expect(status).toEqual([{ path: 'b.py', xy: 'R ' }]);
  });

  it('knows a shallow clone', async () => {
    const clone = shallowClone(createRepo({ commits: 2 }).origin ?? '');
    expect(await (await openRepo(clone.dir)).isShallow()).toBe(true);
  });
});

describe('parseLsRemote', () => {
  it('ignores lines that are not refs and keeps peeled commits', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const refs = parseLsRemote(`${a}\trefs/heads/main\nwarning: x\n${b}\trefs/tags/v1\n${a}\trefs/tags/v1^{}\n${a}\trefs/pull/1/head\n`);
    expect([...refs.heads.keys()]).toEqual(['main']);
    expect(refs.tags.get('v1')).toEqual({ name: 'v1', object: b, commit: a, annotated: true });
    expect(refs.tags.size).toBe(1);
  });
});

describe('parseRemoteUrls', () => {
  it('maps each remote to its first configured URL, dotted names included', () => {
    const table = parseRemoteUrls('remote.origin.url https://h/a.git\nremote.up.stream.url git@h:b.git\nremote.origin.url https://h/second.git\nnot a remote line\n');
    expect([...table]).toEqual([
      ['origin', 'https://h/a.git'],
      ['up.stream', 'git@h:b.git'],
    ]);
  });
});

describe('ref-name check agrees with git check-ref-format', () => {
  // Names starting with "-" are refused by us on purpose (git would read them as options).
  const unit = fc.constantFrom('a', 'b', 'x', '.', '/', '@', '{', '}', '~', '^', ':', '?', '*', '[', '\\', ' ', 'l', 'o', 'c', 'k', '\x01', '\x7f', 'é', '-');
  it('for generated names', () => {
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 8 }), (name) => {
        fc.pre(!name.startsWith('-'));
        let gitAccepts = true;
        try {
          execFileSync('git', ['check-ref-format', '--allow-onelevel', name], { stdio: 'ignore' });
        } catch {
          gitAccepts = false;
        }
        expect(isValidRefName(name, 'tag')).toBe(gitAccepts);
      }),
      { numRuns: 200 },
    );
  });
});

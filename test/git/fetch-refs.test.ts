import { afterEach, describe, expect, it } from 'vitest';
import { openRepo } from '../../src/git/repo.js';
import { cleanupRepos, createRepo, shallowClone } from './helpers.js';

afterEach(cleanupRepos);

describe('GitRepo.fetchRefs', () => {
  it('brings the remote commits of a branch and a tag into a shallow clone, in one fetch, touching no local ref', async () => {
    const repo = createRepo({ commits: 2 });
    const clone = shallowClone(repo.origin!);
    repo.git('checkout', '-q', '-b', 'feature/x');
    const branchHead = repo.commit('on the branch', { 'flows/a.py': 'A = 1\n' });
    repo.git('push', '-q', 'origin', 'feature/x');
    repo.git('checkout', '-q', 'main');
    const tagged = repo.commit('release', { 'flows/b.py': 'B = 2\n' });
    repo.git('tag', 'v1');
    repo.git('push', '-q', 'origin', 'main', 'v1');

    const git = await openRepo(clone.dir);
    expect((await git.readFiles(branchHead, ['flows/a.py'])).size).toBe(0);
    await git.fetchRefs('origin', [
      { type: 'branch', name: 'feature/x' },
      { type: 'tag', name: 'v1' },
    ]);
    expect((await git.readFiles(branchHead, ['flows/a.py'])).get('flows/a.py')?.toString()).toBe('A = 1\n');
    expect((await git.readFiles(tagged, ['flows/b.py'])).get('flows/b.py')?.toString()).toBe('B = 2\n');
    // No local tag or branch was created; the clone is still shallow.
    expect(clone.git('tag', '--list')).toBe('');
    expect(clone.git('branch', '--list', 'feature/x')).toBe('');
    expect(clone.git('rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('refuses option-like names and unknown remotes before running git fetch', async () => {
    const repo = createRepo();
    const git = await openRepo(repo.dir);
    await expect(git.fetchRefs('origin', [{ type: 'branch', name: '--upload-pack=evil' }])).rejects.toMatchObject({ code: 'E_REF_NAME' });
    await expect(git.fetchRefs('nope', [{ type: 'branch', name: 'main' }])).rejects.toMatchObject({ code: 'E_NO_REMOTE' });
    await expect(git.fetchRefs('origin', [{ type: 'branch', name: 'missing' }])).rejects.toMatchObject({ code: 'E_GIT' });
    await expect(git.fetchRefs('origin', [])).resolves.toBeUndefined();
  });
});

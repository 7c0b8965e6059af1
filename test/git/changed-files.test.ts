import { afterEach, describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { assertRevision, revisionProblem } from '../../src/git/ref-name.js';
import { openRepo } from '../../src/git/repo.js';
import { cleanupRepos, createRepo, writeFile } from './helpers.js';

afterEach(cleanupRepos);

describe('GitRepo.changedFiles', () => {
  it('lists what changed between two commits, repo-relative, renames under both paths', async () => {
    const repo = createRepo({ commits: 0 });
    const first = repo.commit('base', { 'flows/a.py': 'a = 1\n', 'flows/b.py': 'b = 1\n', 'lib/old.py': 'x = 1\n', 'README.md': 'r\n' });
    repo.git('mv', 'lib/old.py', 'lib/new.py');
    const second = repo.commit('change', { 'flows/a.py': 'a = 2\n', 'flows/c.py': 'c = 1\n' });
    // diff.relative would make paths relative to a subfolder: the method must not care.
    repo.git('config', 'diff.relative', 'true');
    const r = await openRepo(`${repo.dir}/flows`);
    expect(await r.changedFiles(first, second)).toEqual(['flows/a.py', 'flows/c.py', 'lib/new.py', 'lib/old.py']);
    expect(await r.changedFiles(second, second)).toEqual([]);
  });

  it('against the working tree: modified, deleted and untracked files, not ignored ones', async () => {
    const repo = createRepo({ commits: 0 });
    const base = repo.commit('base', { 'a.py': '1\n', 'b.py': '1\n', '.gitignore': 'ignored.py\n' });
    writeFile(repo.dir, 'a.py', '2\n');
    repo.git('rm', '-q', 'b.py');
    writeFile(repo.dir, 'sub/new file.py', 'n\n');
    writeFile(repo.dir, 'ignored.py', 'i\n');
    const r = await openRepo(repo.dir);
    expect(await r.changedFiles(base, undefined)).toEqual(['a.py', 'b.py', 'sub/new file.py']);
  });

  it('refuses revisions git would read as options, before running git', async () => {
    const r = await openRepo(createRepo().dir);
    await expect(r.changedFiles('--output=/tmp/x', undefined)).rejects.toMatchObject({ code: 'E_REF_NAME' });
    await expect(r.changedFiles('HEAD', '-p')).rejects.toMatchObject({ code: 'E_REF_NAME' });
  });

  it('fails with E_GIT for a revision that names nothing', async () => {
    const r = await openRepo(createRepo().dir);
    await expect(r.changedFiles('no-such-ref', undefined)).rejects.toMatchObject({ code: 'E_GIT' });
  });
});

describe('revisionProblem / assertRevision', () => {
  it.each(['HEAD~1', 'origin/main', 'v1.2.0', 'a1b2c3d', 'main^{commit}', 'feature/x@{1}'])('accepts %s', (rev) => {
    expect(revisionProblem(rev)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['-p', 'starts with "-"'],
    ['--output=x', 'starts with "-"'],
    ['main feature', 'space'],
    ['a\nb', 'control'],
    ['main..feature', 'range'],
  ])('refuses %j (%s) with E_REF_NAME naming the flag', (rev, why) => {
    expect(revisionProblem(rev)).toContain(why);
    const error = (() => {
      try {
        assertRevision(rev, '--changed-since');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PrefectGitError);
    expect(error).toMatchObject({ code: 'E_REF_NAME', exitCode: 3 });
    expect((error as PrefectGitError).message).toContain('--changed-since');
  });
});

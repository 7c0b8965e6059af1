import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBlobs } from '../../src/git/blobs.js';
import { openRepo } from '../../src/git/repo.js';
import { isFullObjectId, parseLsTree } from '../../src/git/tree.js';
import type { TestRepo } from './helpers.js';
import { cleanupRepos, createRepo, git, tempDir, writeFile } from './helpers.js';

afterEach(cleanupRepos);

const NEWLINE = 'odd\nname.py';
const FILES: Record<string, string> = {
  'flows/a.py': 'A = 1\n',
  'flows/nested/deep/b.py': 'B = 2\n',
  // UTF-8 byte order (git's) puts U+FF46 before U+1F600; UTF-16 order (JavaScript's) after.
  'flows/\uff46.py': 'F = 1\n',
  'flows/\u{1f600}.py': 'E = 1\n',
  'dir with space/é ü 日本.py': 'print("é")\n',
  'tab\tname.py': 'T = 1\n',
  [NEWLINE]: 'N = 1\n',
  'dup/one.py': 'SAME = 1\n',
  'dup/two.py': 'SAME = 1\n',
  'bin/run.sh': '#!/bin/sh\necho run\n',
};

/**
 * A commit with nested folders, an executable, a symlink (link.py → flows/a.py), a submodule
 * entry (vendor/sub, a gitlink to the first commit), names with spaces, unicode, a tab and a
 * newline, and two paths with the same contents (one blob).
 */
function treeRepo(): { repo: TestRepo; sha: string } {
  const repo = createRepo({ origin: false, commits: 1 });
  const first = repo.head();
  for (const [rel, content] of Object.entries(FILES)) writeFile(repo.dir, rel, content);
  chmodSync(join(repo.dir, 'bin/run.sh'), 0o755);
  symlinkSync('flows/a.py', join(repo.dir, 'link.py'));
  repo.git('add', '-A');
  repo.git('update-index', '--add', '--cacheinfo', `160000,${first},vendor/sub`);
  repo.git('commit', '-q', '-m', 'tree');
  return { repo, sha: repo.head() };
}

/** What listFiles(commit, []) returned before the cached listing: ls-tree --name-only, sorted. */
function oldListFiles(dir: string, commit: string, paths: readonly string[] = []): string[] {
  return git(dir, 'ls-tree', '-r', '-z', '--name-only', '--full-tree', commit, '--', ...paths)
    .split('\0')
    .filter((file) => file !== '')
    .sort();
}

/** What readFiles did before: one cat-file --batch asking for `<commit>:<path>`. */
function oldReadFiles(dir: string, commit: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
  return readBlobs(
    dir,
    paths.map((path) => ({ key: path, object: `${commit}:${path}` })),
  );
}

const text = (files: Map<string, Buffer>): Array<[string, string]> => [...files].map(([path, content]) => [path, content.toString('utf8')]);

/** Puts a `git` first on PATH that logs its subcommand, so a test can count git processes. */
function countGitProcesses(): { subcommands: () => string[]; restore: () => void } {
  const bin = tempDir();
  const log = join(bin, 'calls.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${delimiter}${saved ?? ''}`;
  return {
    subcommands: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((line) => line !== '') : []),
    restore: () => {
      process.env.PATH = saved;
    },
  };
}

describe.each(['loose', 'packed'])('listFiles and readFiles at a commit (%s objects)', (store) => {
  function setUp(): { repo: TestRepo; sha: string } {
    const made = treeRepo();
    if (store === 'packed') {
      made.repo.git('gc', '-q');
      expect(made.repo.git('count-objects', '-v')).toMatch(/^count: 0$/m);
    } else {
      expect(made.repo.git('count-objects', '-v')).toMatch(/^in-pack: 0$/m);
    }
    return made;
  }

  it('lists the same sorted paths as ls-tree --name-only, submodule entry included', async () => {
    const { repo, sha } = setUp();
    const r = await openRepo(repo.dir);
    const listed = await r.listFiles(sha, []);
    expect(listed).toEqual(oldListFiles(repo.dir, sha));
    expect(listed).toContain('vendor/sub');
    expect(listed).toContain(NEWLINE);
    expect(listed.indexOf('flows/\uff46.py')).toBeGreaterThan(listed.indexOf('flows/\u{1f600}.py'));
    expect(await r.listFiles('HEAD', [])).toEqual(listed);
    expect(await r.listFiles(sha, ['flows/nested', 'link.py'])).toEqual(oldListFiles(repo.dir, sha, ['flows/nested', 'link.py']));
  });

  it('reads the same contents as `<commit>:<path>` did, at a sha and at ref names', async () => {
    const { repo, sha } = setUp();
    const r = await openRepo(repo.dir);
    const asked = [...oldListFiles(repo.dir, sha), 'missing.py', 'flows', 'flows/nested', 'vendor', 'vendor/sub', 'flows/a.py'];
    const old = await oldReadFiles(repo.dir, sha, asked.filter((path) => path !== NEWLINE));
    for (const commit of [sha, 'HEAD', 'main']) {
      const files = await r.readFiles(commit, asked);
      // The newline path could not be asked for before; now it is read like any other file.
      expect(text(files).filter(([path]) => path !== NEWLINE)).toEqual(text(old));
      expect(files.get(NEWLINE)?.toString('utf8')).toBe('N = 1\n');
    }
    const files = await r.readFiles(sha, asked);
    expect(files.get('link.py')?.toString('utf8')).toBe('flows/a.py');
    expect(files.get('bin/run.sh')?.toString('utf8')).toBe(FILES['bin/run.sh']);
    expect(files.get('dir with space/é ü 日本.py')?.toString('utf8')).toBe(FILES['dir with space/é ü 日本.py']);
    expect(files.get('dup/one.py')?.toString('utf8')).toBe('SAME = 1\n');
    expect(files.get('dup/two.py')?.toString('utf8')).toBe('SAME = 1\n');
    for (const absent of ['missing.py', 'flows', 'flows/nested', 'vendor/sub']) expect(files.has(absent)).toBe(false);
    expect([...files.keys()].slice(0, 2)).toEqual(asked.slice(0, 2));
  });
});

describe('the per-commit tree listing', () => {
  it('runs ls-tree once for a sha, however many listFiles and readFiles follow', async () => {
    const { repo, sha } = treeRepo();
    const r = await openRepo(repo.dir);
    const expectedList = oldListFiles(repo.dir, sha);
    const counter = countGitProcesses();
    try {
      expect(await r.readFiles(sha, ['flows/a.py'])).toEqual(new Map([['flows/a.py', Buffer.from('A = 1\n')]]));
      expect((await r.readFiles(sha, ['flows/nested/deep/b.py'])).get('flows/nested/deep/b.py')?.toString('utf8')).toBe('B = 2\n');
      expect(await r.listFiles(sha, [])).toEqual(expectedList);
      expect(await r.readFiles(sha, ['missing.py', 'flows', 'vendor/sub'])).toEqual(new Map());
      expect(counter.subcommands().filter((command) => command === 'ls-tree')).toEqual(['ls-tree']);
      // Only paths that are blobs reach cat-file: the last call asked nothing.
      expect(counter.subcommands().filter((command) => command === 'cat-file')).toEqual(['cat-file', 'cat-file']);
    } finally {
      counter.restore();
    }
  });

  it('lists a ref name afresh on every call, so a moved HEAD is read where it is now', async () => {
    const { repo } = treeRepo();
    const r = await openRepo(repo.dir);
    const counter = countGitProcesses();
    try {
      expect((await r.readFiles('HEAD', ['flows/a.py'])).get('flows/a.py')?.toString('utf8')).toBe('A = 1\n');
      repo.commit('moved', { 'flows/a.py': 'A = 2\n', 'flows/new.py': 'NEW = 1\n' });
      expect((await r.readFiles('HEAD', ['flows/a.py'])).get('flows/a.py')?.toString('utf8')).toBe('A = 2\n');
      expect(await r.listFiles('HEAD', [])).toContain('flows/new.py');
      expect(counter.subcommands().filter((command) => command === 'ls-tree')).toHaveLength(3);
    } finally {
      counter.restore();
    }
  });

  it('reads nothing at a commit that is not in the repository, and listFiles says E_GIT', async () => {
    const { repo } = treeRepo();
    const r = await openRepo(repo.dir);
    const absent = 'f'.repeat(40);
    expect(await r.readFiles(absent, ['flows/a.py'])).toEqual(new Map());
    await expect(r.listFiles(absent, [])).rejects.toMatchObject({ code: 'E_GIT' });
    await expect(r.readFiles('-p', ['flows/a.py'])).rejects.toMatchObject({ code: 'E_REF_NAME' });
  });
});

describe('parseLsTree', () => {
  it('keeps mode, type and object, and paths with tabs and newlines whole', () => {
    const blob = 'a'.repeat(40);
    const link = 'b'.repeat(40);
    const sub = 'c'.repeat(40);
    const out = [`100644 blob ${blob}\ta/b.py`, `100755 blob ${blob}\tx\ty\nz`, `120000 blob ${link}\tlink`, `160000 commit ${sub}\tsub`, 'garbage', ''].join('\x00');
    const listing = parseLsTree(out);
    expect(listing.paths).toEqual(['a/b.py', 'link', 'sub', 'x\ty\nz']);
    expect(listing.entries.get('x\ty\nz')).toEqual({ mode: '100755', type: 'blob', object: blob });
    expect(listing.entries.get('link')).toEqual({ mode: '120000', type: 'blob', object: link });
    expect(listing.entries.get('sub')).toEqual({ mode: '160000', type: 'commit', object: sub });
  });

  it('agrees with git on a real tree', () => {
    const { repo, sha } = treeRepo();
    const listing = parseLsTree(git(repo.dir, 'ls-tree', '-r', '-z', '--full-tree', sha, '--') + '\0');
    expect(listing.paths).toEqual(oldListFiles(repo.dir, sha));
    expect(listing.entries.get('bin/run.sh')?.mode).toBe('100755');
    expect(listing.entries.get('link.py')?.mode).toBe('120000');
    expect(listing.entries.get('vendor/sub')).toEqual({ mode: '160000', type: 'commit', object: repo.git('rev-parse', 'HEAD~1') });
    expect(listing.entries.get('dup/one.py')?.object).toBe(listing.entries.get('dup/two.py')?.object);
  });
});

describe('isFullObjectId', () => {
  it.each([
    ['a'.repeat(40), true],
    ['0'.repeat(64), true],
    ['a'.repeat(39), false],
    ['a'.repeat(41), false],
    ['A'.repeat(40), false],
    ['HEAD', false],
    ['main', false],
    [`${'a'.repeat(40)}^{tree}`, false],
  ])('%s → %s', (value, expected) => {
    expect(isFullObjectId(value)).toBe(expected);
  });
});

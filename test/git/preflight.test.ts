import { afterEach, describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { assertPreflight, runPreflight } from '../../src/git/preflight.js';
import type { PreflightOptions, PreflightReport } from '../../src/git/preflight.js';
import { openRepo } from '../../src/git/repo.js';
import type { ResolvedRef } from '../../src/git/types.js';
import { cleanupRepos, createRepo, sh, writeFile } from './helpers.js';
import type { TestRepo } from './helpers.js';

afterEach(cleanupRepos);

const FLOW = 'flows/etl.py';

function flowRepo(): TestRepo {
  const repo = createRepo({ commits: 0 });
  repo.commit('flows', { [FLOW]: 'print(1)\n', 'flows/other.py': 'print(2)\n', 'README.md': 'x\n' });
  repo.git('push', '-q', 'origin', 'main');
  return repo;
}

function branchRef(repo: TestRepo, name = 'main'): ResolvedRef {
  return { type: 'branch', name, commit: repo.head(), source: 'active-branch' };
}

function tagRef(repo: TestRepo, name: string): ResolvedRef {
  return { type: 'tag', name, commit: repo.git('rev-parse', `${name}^{commit}`), source: 'flag' };
}

async function preflight(repo: TestRepo, ref: ResolvedRef, extra: Partial<PreflightOptions> = {}): Promise<PreflightReport> {
  return runPreflight({ repo: await openRepo(repo.dir), ref, flowPaths: [FLOW], ...extra });
}

function failures(report: PreflightReport): Array<[string, string | undefined, string | undefined]> {
  return report.checks.filter((c) => !c.ok).map((c) => [c.id, c.code, c.overriddenBy]);
}

function thrown(report: PreflightReport): PrefectGitError {
  try {
    assertPreflight(report);
  } catch (error) {
    expect(error).toBeInstanceOf(PrefectGitError);
    return error as PrefectGitError;
  }
  throw new Error('assertPreflight did not throw');
}

describe('branches', () => {
  it('passes when the branch is pushed, at HEAD, and the flow files are committed', async () => {
    const repo = flowRepo();
    const report = await preflight(repo, branchRef(repo));
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.ok])).toEqual([
      ['remote', true],
      ['branch-on-remote', true],
      ['branch-at-head', true],
      ['flow-files-clean', true],
    ]);
    expect(() => assertPreflight(report)).not.toThrow();
  });

  it('refuses an unpushed commit: runs would clone the remote head', async () => {
    const repo = flowRepo();
    const pushed = repo.head();
    repo.commit('local only');
    const report = await preflight(repo, branchRef(repo));
    expect(failures(report)).toEqual([['branch-at-head', 'E_PREFLIGHT_UNPUSHED', undefined]]);
    const error = thrown(report);
    expect(error.code).toBe('E_PREFLIGHT_UNPUSHED');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(`origin/main is at ${pushed.slice(0, 7)} but HEAD is ${repo.head().slice(0, 7)}`);
    expect(error.hint).toContain('git push origin HEAD:refs/heads/main');
    expect(error.hint).toContain('--allow-unpushed');
  });

  it('--allow-unpushed waives it', async () => {
    const repo = flowRepo();
    repo.commit('local only');
    const report = await preflight(repo, branchRef(repo), { overrides: { allowUnpushed: true } });
    expect(report.ok).toBe(true);
    expect(failures(report)).toEqual([['branch-at-head', 'E_PREFLIGHT_UNPUSHED', '--allow-unpushed']]);
    expect(() => assertPreflight(report)).not.toThrow();
  });

  it('refuses a branch that is not on the remote', async () => {
    const repo = flowRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    const report = await preflight(repo, branchRef(repo, 'feature'));
    expect(failures(report)).toEqual([['branch-on-remote', 'E_BRANCH_NOT_FOUND', undefined]]);
    expect(thrown(report).hint).toContain('git push origin HEAD:refs/heads/feature');
  });

  it('turns a missing remote into a failed check, not an exception', async () => {
    const repo = createRepo({ origin: false, commits: 0 });
    repo.commit('flows', { [FLOW]: 'x\n' });
    const report = await preflight(repo, branchRef(repo));
    expect(failures(report)).toEqual([['remote', 'E_NO_REMOTE', undefined]]);
    expect(report.checks.map((c) => c.id)).toEqual(['remote', 'flow-files-clean']);
  });

  it('turns an unreachable remote into E_GIT without leaking URL credentials', async () => {
    const repo = flowRepo();
    repo.git('remote', 'set-url', 'origin', 'https://deploy:s3cr3t-t0ken@127.0.0.1:9/acme/flows.git');
    const report = await preflight(repo, branchRef(repo));
    const remote = report.checks.find((c) => c.id === 'remote');
    expect(remote?.code).toBe('E_GIT');
    expect(JSON.stringify(report)).not.toContain('s3cr3t-t0ken');
  });
});

describe('tags', () => {
  it('passes for a pushed lightweight tag at HEAD', async () => {
    const repo = flowRepo();
    repo.git('tag', 'v1');
    repo.git('push', '-q', 'origin', 'v1');
    const report = await preflight(repo, tagRef(repo, 'v1'));
    expect(report.checks.map((c) => [c.id, c.ok])).toEqual([
      ['remote', true],
      ['tag-on-remote', true],
      ['tag-at-head', true],
      ['tag-lightweight', true],
      ['flow-files-clean', true],
    ]);
  });

  it('refuses an annotated tag, and the fix in the hint works', async () => {
    const repo = flowRepo();
    repo.git('tag', '-a', 'v1', '-m', 'release');
    repo.git('push', '-q', 'origin', 'v1');
    const report = await preflight(repo, tagRef(repo, 'v1'));
    expect(failures(report)).toEqual([['tag-lightweight', 'E_PREFLIGHT_ANNOTATED_TAG', undefined]]);
    const error = thrown(report);
    expect(error.message).toContain("AttributeError: 'Tag' object has no attribute 'tree'");
    expect(error.hint).toContain('--allow-annotated-tag');
    const fix = /lightweight tag: (.*?); --allow/.exec(error.hint ?? '')?.[1] ?? '';
    expect(fix).toBe(`git tag -d v1 && git tag v1 ${repo.head()} && git push --force origin refs/tags/v1`);
    sh(repo.dir, fix);
    expect(repo.git('cat-file', '-t', 'refs/tags/v1')).toBe('commit');
    expect((await preflight(repo, tagRef(repo, 'v1'))).ok).toBe(true);
  });

  it('--allow-annotated-tag waives it', async () => {
    const repo = flowRepo();
    repo.git('tag', '-a', 'v1', '-m', 'release');
    repo.git('push', '-q', 'origin', 'v1');
    const report = await preflight(repo, tagRef(repo, 'v1'), { overrides: { allowAnnotatedTag: true } });
    expect(report.ok).toBe(true);
    expect(failures(report)).toEqual([['tag-lightweight', 'E_PREFLIGHT_ANNOTATED_TAG', '--allow-annotated-tag']]);
  });

  it('checks the remote tag kind even when the local tag is lightweight', async () => {
    const repo = flowRepo();
    repo.git('tag', '-a', 'v1', '-m', 'release');
    repo.git('push', '-q', 'origin', 'v1');
    repo.git('tag', '-f', 'v1', 'HEAD');
    const report = await preflight(repo, tagRef(repo, 'v1'));
    expect(failures(report)).toEqual([['tag-lightweight', 'E_PREFLIGHT_ANNOTATED_TAG', undefined]]);
  });

  it('refuses a tag that is not at HEAD', async () => {
    const repo = flowRepo();
    const tagged = repo.head();
    repo.git('tag', 'v1');
    repo.git('push', '-q', 'origin', 'v1');
    repo.commit('later', { 'README.md': 'y\n' });
    repo.git('push', '-q', 'origin', 'main');
    const report = await preflight(repo, tagRef(repo, 'v1'));
    expect(failures(report)).toEqual([['tag-at-head', 'E_PREFLIGHT_TAG_NOT_AT_HEAD', undefined]]);
    expect(thrown(report).message).toContain(`points at ${tagged.slice(0, 7)} but HEAD is ${repo.head().slice(0, 7)}`);
    const waived = await preflight(repo, tagRef(repo, 'v1'), { overrides: { allowTagNotAtHead: true } });
    expect(waived.ok).toBe(true);
  });

  it('refuses a tag that was not pushed (E_TAG_NOT_FOUND), waived by --allow-unpushed', async () => {
    const repo = flowRepo();
    repo.git('tag', 'v1');
    const report = await preflight(repo, tagRef(repo, 'v1'));
    expect(failures(report)).toEqual([['tag-on-remote', 'E_TAG_NOT_FOUND', undefined]]);
    expect(thrown(report).hint).toContain('git push origin refs/tags/v1');
    expect((await preflight(repo, tagRef(repo, 'v1'), { overrides: { allowUnpushed: true } })).ok).toBe(true);
  });
});

describe('flow files', () => {
  it('names modified, staged and untracked flow files, and only flow files', async () => {
    const repo = flowRepo();
    writeFile(repo.dir, FLOW, 'print(3)\n');
    writeFile(repo.dir, 'flows/other.py', 'print(4)\n');
    repo.git('add', 'flows/other.py');
    writeFile(repo.dir, 'flows/new.py', 'print(5)\n');
    writeFile(repo.dir, 'README.md', 'changed\n');
    const report = await preflight(repo, branchRef(repo), { flowPaths: [FLOW, 'flows/other.py', 'flows/new.py'] });
    const check = report.checks.find((c) => c.id === 'flow-files-clean');
    expect(check?.ok).toBe(false);
    expect(check?.message).toBe(
      'flow files differ from HEAD: flows/etl.py (modified), flows/new.py (untracked), flows/other.py (modified); flow runs clone the committed files',
    );
    expect(check?.message).not.toContain('README');
    expect(thrown(report).code).toBe('E_PREFLIGHT_DIRTY');
  });

  it('names an ignored flow file (never committed) and honours --allow-dirty', async () => {
    const repo = flowRepo();
    repo.commit('ignore', { '.gitignore': 'local/\n' });
    repo.git('push', '-q', 'origin', 'main');
    writeFile(repo.dir, 'local/flow.py', 'x\n');
    const report = await preflight(repo, branchRef(repo), { flowPaths: ['local/flow.py'] });
    expect(report.checks.find((c) => c.id === 'flow-files-clean')?.message).toContain('local/flow.py (ignored)');
    const waived = await preflight(repo, branchRef(repo), { flowPaths: ['local/flow.py'], overrides: { allowDirty: true } });
    expect(waived.ok).toBe(true);
  });

  it('treats flow paths as repo-relative and literal, whatever the cwd', async () => {
    const repo = flowRepo();
    writeFile(repo.dir, FLOW, 'changed\n');
    const report = await runPreflight({ repo: await openRepo(`${repo.dir}/flows`), ref: branchRef(repo), flowPaths: [FLOW, 'flows/*.py'] });
    expect(report.checks.find((c) => c.id === 'flow-files-clean')?.message).toContain('flows/etl.py (modified)');
    expect(report.checks.find((c) => c.id === 'flow-files-clean')?.message).not.toContain('other.py');
  });
});

describe('no commits', () => {
  it('reports E_NO_COMMITS as an unwaivable failed check instead of throwing', async () => {
    const repo = createRepo({ commits: 0 });
    const ref: ResolvedRef = { type: 'branch', name: 'main', commit: '0'.repeat(40), source: 'flag' };
    const report = await runPreflight({ repo: await openRepo(repo.dir), ref, flowPaths: [FLOW], overrides: { allowUnpushed: true, allowDirty: true } });
    expect(report).toEqual({ ok: false, checks: [{ id: 'head', ok: false, code: 'E_NO_COMMITS', message: 'the repository has no commits yet', hint: 'commit your flow files and push them, then register' }] });
    expect(thrown(report).code).toBe('E_NO_COMMITS');
  });
});

describe('assertPreflight', () => {
  it('throws the first unwaived failure and lists all of them', async () => {
    const repo = flowRepo();
    repo.commit('local only');
    writeFile(repo.dir, FLOW, 'dirty\n');
    const report = await preflight(repo, branchRef(repo));
    const error = thrown(report);
    expect(error.code).toBe('E_PREFLIGHT_UNPUSHED');
    expect((error.details?.failed as Array<{ id: string }>).map((f) => f.id)).toEqual(['branch-at-head', 'flow-files-clean']);
    const partly = await preflight(repo, branchRef(repo), { overrides: { allowUnpushed: true } });
    expect(thrown(partly).code).toBe('E_PREFLIGHT_DIRTY');
  });
});

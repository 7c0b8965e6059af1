import { afterEach, describe, expect, it } from 'vitest';
import { cleanupRepos, createRepo, git, tempDir } from '../git/helpers.js';
import { runCli } from './run-cli.js';

afterEach(cleanupRepos);

interface RefJson {
  ref: { type: string; name: string; source: string; commit: string };
  trail: Array<{ rule: string; outcome: string }>;
}

describe('prefect-git ref', () => {
  it('prints the documented JSON object for the active branch of a fresh clone', async () => {
    const repo = createRepo({ commits: 2 });
    const clone = `${tempDir()}/clone`;
    git(repo.dir, 'clone', '-q', repo.origin!, clone);
    const run = await runCli(['ref', '--json'], { cwd: clone });
    expect(run.code).toBe(0);
    const doc = run.json<RefJson>();
    expect(doc.ref).toEqual({ type: 'branch', name: 'main', source: 'active-branch', commit: repo.head() });
    expect(doc.ref.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(doc.trail.map((step) => step.rule)).toContain('active-branch');
    expect(run.stderr).toContain('branch main');
  });

  it('prints just the ref name on stdout without --json, so scripts can capture it', async () => {
    const repo = createRepo();
    const run = await runCli(['ref'], { cwd: repo.dir, env: { GIT_BRANCH: 'origin/release/2.0' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('release/2.0\n');
    expect(run.stderr).toContain('GIT_BRANCH');
  });

  it('exits 3 with a JSON error for a detached HEAD and no ref', async () => {
    const repo = createRepo({ commits: 2 });
    repo.git('checkout', '-q', '--detach', 'HEAD~1');
    const run = await runCli(['--json', 'ref'], { cwd: repo.dir });
    expect(run.code).toBe(3);
    const doc = run.json<{ error: { code: string; message: string; hint: string } }>();
    expect(doc.error.code).toBe('E_DETACHED_HEAD');
    expect(doc.error.hint).toMatch(/BUILD_TAG|GIT_BRANCH/);
  });

  it('uses CI variables in a detached HEAD (GitHub Actions tag push)', async () => {
    const repo = createRepo();
    repo.git('tag', 'v1.0.0');
    repo.git('checkout', '-q', '--detach');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/tags/v1.0.0', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.0.0' };
    const run = await runCli(['ref', '--json'], { cwd: repo.dir, env });
    expect(run.code).toBe(0);
    expect(run.json<RefJson>().ref).toMatchObject({ type: 'tag', name: 'v1.0.0', source: 'ci:github' });
  });

  it('exits 3 outside a git repository, and 2 for a usage error', async () => {
    expect((await runCli(['ref'], { cwd: tempDir() })).code).toBe(3);
    const usage = await runCli(['ref', '--nope'], { cwd: tempDir() });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown option '--nope'");
  });

  it('refuses a ref name that looks like an option', async () => {
    const repo = createRepo();
    const run = await runCli(['ref', '--json', '--branch=--upload-pack=evil'], { cwd: repo.dir });
    expect(run.code).toBe(3);
    expect(run.json<{ error: { code: string } }>().error.code).toBe('E_REF_NAME');
  });
});

describe('help and version', () => {
  it.each([['--help'], ...['ref', 'inspect', 'register', 'verify', 'prune', 'config', 'doctor', 'completion'].map((command) => [command, '--help'])])('%s exits 0 and shows examples', async (...args) => {
    const run = await runCli(args, { cwd: tempDir() });
    expect(run.code).toBe(0);
    if (args.length > 1) expect(run.stdout).toContain('Examples:');
  });
  it('--version prints the package version', async () => {
    const run = await runCli(['--version'], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('empty flag values', () => {
  it('refuses --tag "" with exit 2 instead of silently using the branch', async () => {
    const repo = createRepo();
    const run = await runCli(['ref', '--json', '--tag', ''], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.json<{ error: { code: string } }>().error.code).toBe('E_USAGE');
  });
});

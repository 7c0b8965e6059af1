import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.js';
import { PrefectGitError } from '../../src/errors.js';

const dirs: string[] = [];
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pg-settings-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function configError(promise: Promise<unknown>): Promise<PrefectGitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrefectGitError);
  return error as PrefectGitError;
}

describe('loadSettings', () => {
  it('merges flags > env > pyproject and says where each value came from', async () => {
    const dir = await project({
      'pyproject.toml': '[tool.prefect-git]\nproject = "from-file"\nrepo = "acme/file"\nlabels = ["a"]\nconcurrency = 2\n',
    });
    const loaded = await loadSettings({
      cwd: dir,
      stopAt: dir,
      env: { PREFECT_GIT_REPO: 'acme/env', PREFECT_GIT_LABELS: 'x, y', PREFECT_GIT_CONCURRENCY: '8' },
      flags: { repo: 'acme/flag' },
    });
    expect(loaded.values).toEqual({ project: 'from-file', repo: 'acme/flag', labels: ['x', 'y'], concurrency: 8 });
    expect(loaded.sources.project).toEqual({ source: 'file', detail: `${path.join(dir, 'pyproject.toml')}:2` });
    expect(loaded.sources.repo?.source).toBe('flag');
    expect(loaded.sources.labels).toEqual({ source: 'env', detail: 'PREFECT_GIT_LABELS' });
  });

  it('finds the config in a parent folder up to the repository root, and prefers prefect-git.toml', async () => {
    const dir = await project({
      'prefect-git.toml': 'project = "dedicated"\n',
      'pyproject.toml': '[tool.prefect-git]\nproject = "pyproject"\n',
      'flows/sub/x.py': '',
    });
    const loaded = await loadSettings({ cwd: path.join(dir, 'flows/sub'), stopAt: dir, env: {} });
    expect(loaded.values.project).toBe('dedicated');
  });

  it('ignores a pyproject.toml without a [tool.prefect-git] table', async () => {
    const dir = await project({ 'pyproject.toml': '[tool.black]\nline-length = 100\n' });
    expect((await loadSettings({ cwd: dir, stopAt: dir, env: {} })).values).toEqual({});
  });

  it('reports every problem at once, with file:line and a did-you-mean for unknown keys', async () => {
    const dir = await project({
      'pyproject.toml': '[tool.prefect-git]\nprojet = "x"\nconcurrency = "four"\nloader = "magic"\n',
    });
    const error = await configError(loadSettings({ cwd: dir, stopAt: dir, env: { PREFECT_GIT_USE_SSH: 'maybe' } }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("pyproject.toml:2: unknown key 'projet' (did you mean 'project'?)");
    expect(error.message).toContain('pyproject.toml:3: concurrency:');
    expect(error.message).toContain('pyproject.toml:4: loader:');
    expect(error.message).toContain('PREFECT_GIT_USE_SSH: use_ssh:');
    expect(error.message).toContain('4 problems');
  });

  it('reports invalid TOML with its line and column', async () => {
    const dir = await project({ 'pyproject.toml': '[tool.prefect-git]\nproject = "unterminated\n' });
    const error = await configError(loadSettings({ cwd: dir, stopAt: dir, env: {} }));
    expect(error.message).toMatch(/pyproject\.toml:2:\d+: invalid TOML/);
  });

  it('validates flag values too', async () => {
    const dir = await project({});
    const error = await configError(loadSettings({ cwd: dir, stopAt: dir, env: {}, flags: { concurrency: 0 } }));
    expect(error.message).toContain('--concurrency: concurrency:');
  });
});

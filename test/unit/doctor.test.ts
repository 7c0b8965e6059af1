import { describe, expect, it } from 'vitest';
import type { PrefectApi } from '../../src/api/types.js';
import type { PrefectConnection } from '../../src/config/prefect-config.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import type { DoctorCheck, DoctorDeps } from '../../src/doctor/types.js';
import { doctorExitCode } from '../../src/doctor/types.js';
import { PrefectGitError } from '../../src/errors.js';
import type { GitRepo } from '../../src/git/repo.js';

const repo = { root: () => '/repo', remoteUrl: () => Promise.resolve('https://github.com/acme/flows.git') } as unknown as GitRepo;
const connection: PrefectConnection = {
  backend: 'server',
  apiUrl: 'http://localhost:4200',
  uiEndpoint: 'http://localhost:8080',
  sources: { backend: 'PREFECT__BACKEND', apiUrl: 'default', uiEndpoint: 'default' },
  prefectHome: '/home/.prefect',
};
const api = {
  backend: 'server',
  displayUrl: 'http://localhost:4200/',
  tenants: () => Promise.resolve([{ id: 't', slug: 'default' }]),
  findProject: () => Promise.resolve({ project: { id: 'p', name: 'data', tenantId: 't' }, tenants: [] }),
  secretNames: () => Promise.resolve([]),
} as unknown as PrefectApi;

/** Every dependency succeeding; tests override one at a time. */
function deps(overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    openRepo: () => Promise.resolve(repo),
    loadSettings: () => Promise.resolve({ values: { project: 'data' }, sources: {} }),
    resolveRef: () => Promise.resolve({ ref: { type: 'branch', name: 'main', commit: 'a'.repeat(40), source: 'active-branch' }, trail: [] }),
    flowFiles: () => Promise.resolve(['flows/a.py']),
    runPreflight: () => Promise.resolve({ ok: true, checks: [{ id: 'remote', ok: true, message: 'remote origin answers' }] }),
    parserReady: () => Promise.resolve('ok'),
    findPython: () => Promise.reject(new PrefectGitError('E_PYTHON', 'No Python interpreter found')),
    readConnection: () => Promise.resolve(connection),
    createApi: () => api,
    ...overrides,
  };
}

const status = (checks: DoctorCheck[], id: string): string | undefined => checks.find((check) => check.id === id)?.status;

describe('runDoctor', () => {
  it('passes with every dependency working; a missing Python only warns', async () => {
    const report = await runDoctor(deps());
    expect(report.checks.filter((check) => check.status === 'fail')).toEqual([]);
    expect(report).toMatchObject({ ok: true, exitCode: 0 });
    expect(status(report.checks, 'python')).toBe('warn');
  });

  it('fails the python check when the python loader is configured', async () => {
    const report = await runDoctor(deps({ loadSettings: () => Promise.resolve({ values: { loader: 'both' }, sources: {} }) }));
    expect(status(report.checks, 'python')).toBe('fail');
    expect(report.exitCode).toBe(6);
  });

  it('keeps going after a failure and skips only what needed it', async () => {
    const report = await runDoctor(deps({ openRepo: () => Promise.reject(new PrefectGitError('E_NOT_A_REPO', 'not a repo')) }));
    expect(status(report.checks, 'git-repo')).toBe('fail');
    expect(status(report.checks, 'remote')).toBe('skip');
    expect(status(report.checks, 'preflight')).toBe('skip');
    expect(status(report.checks, 'parser')).toBe('pass');
    expect(status(report.checks, 'api')).toBe('pass');
    expect(status(report.checks, 'project')).toBe('pass');
  });

  it('reports invalid settings as a config failure (exit 2) and goes on with none', async () => {
    const report = await runDoctor(deps({ loadSettings: () => Promise.reject(new PrefectGitError('E_CONFIG', 'invalid configuration')) }));
    expect(status(report.checks, 'settings')).toBe('fail');
    expect(status(report.checks, 'project')).toBe('skip');
    expect(report.exitCode).toBe(2);
  });

  it('rethrows what is not a PrefectGitError: a bug must not pass for a failed check', async () => {
    await expect(runDoctor(deps({ parserReady: () => Promise.reject(new TypeError('boom')) }))).resolves.toMatchObject({ exitCode: 6 });
    await expect(runDoctor(deps({ resolveRef: () => Promise.reject(new TypeError('bug')) }))).rejects.toThrow('bug');
  });

  it('skips the project check when its placeholders cannot be filled', async () => {
    const report = await runDoctor(
      deps({
        loadSettings: () => Promise.resolve({ values: { project: 'data-{ref_slug}' }, sources: {} }),
        resolveRef: () => Promise.reject(new PrefectGitError('E_DETACHED_HEAD', 'detached HEAD and no ref given')),
      }),
    );
    expect(status(report.checks, 'project')).toBe('skip');
    expect(report.exitCode).toBe(3);
  });
});

describe('doctorExitCode', () => {
  const check = (category: DoctorCheck['category'], checkStatus: DoctorCheck['status']): DoctorCheck => ({ id: category, title: category, status: checkStatus, message: '', category });

  it('is 0 without failures, warnings and skips included', () => {
    expect(doctorExitCode([check('git', 'pass'), check('loader', 'warn'), check('api', 'skip')])).toBe(0);
  });

  it('is the lowest documented code among the failures: the most basic problem', () => {
    expect(doctorExitCode([check('api', 'fail'), check('git', 'fail')])).toBe(3);
    expect(doctorExitCode([check('loader', 'fail'), check('api', 'fail')])).toBe(4);
    expect(doctorExitCode([check('loader', 'fail'), check('config', 'fail'), check('git', 'fail')])).toBe(2);
    expect(doctorExitCode([check('loader', 'fail')])).toBe(6);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer, FakeServerOptions } from '../support/fake-server/index.js';
import { addProject, startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos, createRepo, tempDir } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  cleanupRepos();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: FakeServerOptions = {}): Promise<FakeServer> {
  const started = await startFakeServer(options);
  servers.push(started);
  return started;
}

interface Check {
  id: string;
  status: 'pass' | 'fail' | 'warn' | 'skip';
  message: string;
  hint: string | null;
  code: string | null;
}
interface DoctorJson {
  ok: boolean;
  exit_code: number;
  checks: Check[];
}

// A missing interpreter is quick to find and must only warn: the static loader needs no Python.
const NO_PYTHON = { PREFECT_GIT_PYTHON: '/nonexistent/python3' };
const serverEnv = (fake: { url: string }): Record<string, string> => ({ ...NO_PYTHON, PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url });
const SENTINEL = 'pnu_SENTINEL_doctor_key_0123456789';

async function doctor(argv: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number; doc: DoctorJson; stderr: string; stdout: string; byId: (id: string) => Check | undefined }> {
  const run = await runCli(['doctor', '--json', ...argv], options);
  const doc = run.json<DoctorJson>();
  return { code: run.code, doc, stderr: run.stderr, stdout: run.stdout, byId: (id) => doc.checks.find((check) => check.id === id) };
}

const failed = (doc: DoctorJson): string[] => doc.checks.filter((check) => check.status === 'fail').map((check) => check.id);

describe('prefect-git doctor against the fake Prefect Server', () => {
  it('passes every check in a pushed flows repository with a reachable server and an existing project', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    addProject(fake.state, 'data-flows');
    const { code, doc, byId, stderr } = await doctor(['--project', 'data-flows', '--token-secret', 'GITHUB_ACCESS_TOKEN'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(failed(doc), stderr).toEqual([]);
    expect(code).toBe(0);
    expect(doc).toMatchObject({ ok: true, exit_code: 0 });
    for (const id of ['git-repo', 'settings', 'remote', 'ref', 'preflight:remote', 'preflight:branch-on-remote', 'preflight:branch-at-head', 'preflight:flow-files-clean', 'parser', 'prefect-config', 'api', 'auth', 'project']) {
      expect(byId(id)?.status, id).toBe('pass');
    }
    expect(byId('ref')?.message).toMatch(/^branch main at [0-9a-f]{7}, chosen by rule active-branch/);
    expect(byId('remote')?.message).toContain('github.com');
    expect(byId('python')).toMatchObject({ status: 'warn', code: 'E_PYTHON' });
    // Server keeps no secrets over GraphQL: the check is skipped with the agent-side hint.
    expect(byId('token-secret')).toMatchObject({ status: 'skip' });
    expect(byId('token-secret')?.hint).toContain('PREFECT__CONTEXT__SECRETS__GITHUB_ACCESS_TOKEN');
    // One line per check on stderr, and the summary.
    expect(stderr).toMatch(/^pass {2}git repository/m);
    expect(stderr).toMatch(/0 failed, 1 warning, \d+ checks/);
  });

  it('fails with exit 3 outside a git repository, and still checks the API', async () => {
    const fake = await server();
    const { code, doc, byId } = await doctor([], { cwd: tempDir(), env: serverEnv(fake) });
    expect(code).toBe(3);
    expect(byId('git-repo')).toMatchObject({ status: 'fail', code: 'E_NOT_A_REPO' });
    expect(byId('ref')).toBeUndefined();
    expect(byId('remote')?.status).toBe('skip');
    expect(byId('api')?.status).toBe('pass');
    expect(doc.ok).toBe(false);
  });

  it('fails with exit 3 when the remote is missing', async () => {
    const repo = createRepo({ origin: false });
    const fake = await server();
    const { code, byId } = await doctor([], { cwd: repo.dir, env: serverEnv(fake) });
    expect(code).toBe(3);
    expect(byId('remote')).toMatchObject({ status: 'fail', code: 'E_NO_REMOTE' });
    expect(byId('remote')?.hint).toContain('git remote add origin');
  });

  it('fails with exit 3 on a detached HEAD without a ref, and says how to name one', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    repo.git('checkout', '-q', '--detach');
    const fake = await server();
    const { code, byId } = await doctor([], { cwd: repo.dir, env: serverEnv(fake) });
    expect(code).toBe(3);
    expect(byId('ref')).toMatchObject({ status: 'fail', code: 'E_DETACHED_HEAD' });
    expect(byId('ref')?.hint).toMatch(/BUILD_TAG|GIT_BRANCH/);
    expect(byId('preflight')?.status).toBe('skip');
    // The same repository passes once CI names the branch.
    const named = await doctor([], { cwd: repo.dir, env: { ...serverEnv(fake), GIT_BRANCH: 'origin/main' } });
    expect(named.byId('ref')?.message).toMatch(/^branch main .*chosen by rule GIT_BRANCH/);
    expect(named.code).toBe(0);
  });

  it('fails with exit 4 when the server is down', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await startFakeServer();
    await fake.close();
    const { code, byId } = await doctor(['--project', 'data-flows'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(code).toBe(4);
    expect(byId('api')).toMatchObject({ status: 'fail', code: 'E_API_UNREACHABLE' });
    expect(byId('auth')?.status).toBe('skip');
    expect(byId('project')?.status).toBe('skip');
  });

  it('fails with exit 4 when the project is missing, and only warns with --create-project', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const missing = await doctor(['--project', 'nope'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(missing.code).toBe(4);
    expect(missing.byId('project')).toMatchObject({ status: 'fail', code: 'E_PROJECT_NOT_FOUND' });
    expect(missing.byId('project')?.hint).toContain('--create-project');
    const created = await doctor(['--project', 'nope', '--create-project'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(created.byId('project')?.status).toBe('warn');
    expect(created.code).toBe(0);
    expect(fake.mutations()).toHaveLength(0);
  });

  it('expands project placeholders from the ref', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    addProject(fake.state, 'analytics-main');
    const { byId } = await doctor(['--project', 'analytics-{ref_slug}'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(byId('project')).toMatchObject({ status: 'pass', message: "project 'analytics-main' exists" });
  });

  it('on Cloud, fails with exit 4 on a bad API key and never prints the key', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server({ backend: 'cloud', apiKey: 'pnu_the_right_key_abcdefghij' });
    const env = { ...NO_PYTHON, PREFECT__BACKEND: 'cloud', PREFECT__CLOUD__API: fake.url, PREFECT__CLOUD__API_KEY: SENTINEL };
    const { code, byId, stdout, stderr } = await doctor(['--project', 'data-flows', '--token-secret', 'GITHUB_ACCESS_TOKEN'], { cwd: repo.dir, env });
    expect(code).toBe(4);
    expect(byId('api')?.status).toBe('pass');
    expect(byId('auth')).toMatchObject({ status: 'fail', code: 'E_API_AUTH' });
    expect(byId('project')?.status).toBe('skip');
    expect(byId('token-secret')?.status).toBe('skip');
    expect(`${stdout}${stderr}`).not.toContain(SENTINEL);
    expect(byId('prefect-config')?.message).toContain('API key *** from PREFECT__CLOUD__API_KEY');
  });

  it("on Cloud, checks that the token's Secret exists", async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server({ backend: 'cloud', apiKey: SENTINEL });
    addProject(fake.state, 'data-flows');
    const env = { ...NO_PYTHON, PREFECT__BACKEND: 'cloud', PREFECT__CLOUD__API: fake.url, PREFECT__CLOUD__API_KEY: SENTINEL };
    const argv = ['--project', 'data-flows', '--token-secret', 'GITHUB_ACCESS_TOKEN'];
    const missing = await doctor(argv, { cwd: repo.dir, env });
    expect(missing.code).toBe(4);
    expect(missing.byId('auth')?.status).toBe('pass');
    expect(missing.byId('token-secret')).toMatchObject({ status: 'fail' });
    expect(missing.byId('token-secret')?.message).toContain('GITHUB_ACCESS_TOKEN does not exist');

    fake.state.secrets.push('OTHER', 'GITHUB_ACCESS_TOKEN');
    const present = await doctor(argv, { cwd: repo.dir, env });
    expect(failed(present.doc)).toEqual([]);
    expect(present.code).toBe(0);
    expect(present.byId('token-secret')?.status).toBe('pass');
    expect(fake.requests.some((request) => request.operationName === 'PrefectGitSecretNames')).toBe(true);
    expect(`${present.stdout}${present.stderr}`).not.toContain(SENTINEL);
  });

  it('fails with exit 6 when the python loader is asked for and there is no interpreter', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const { code, byId } = await doctor(['--loader', 'python'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(byId('python')).toMatchObject({ status: 'fail', code: 'E_PYTHON' });
    expect(code).toBe(6);
  });

  it('prints only the failures with --quiet', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const run = await runCli(['--quiet', 'doctor', '--project', 'nope'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^FAIL {2}project/m);
    expect(run.stderr).not.toMatch(/^pass/m);
  });
});

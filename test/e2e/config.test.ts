import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTING_KEYS, envName } from '../../src/config/schema.js';
import { cleanupRepos, createRepo, tempDir, writeFile } from '../git/helpers.js';
import { runCli } from './run-cli.js';

afterEach(() => cleanupRepos());

interface Entry {
  value: unknown;
  source: string;
  detail: string | null;
  env: string;
  type: string;
}
interface ConfigJson {
  repository: string | null;
  config_file: string | null;
  settings: Record<string, Entry>;
  prefect: Record<string, { value: unknown; source: string | null } | string>;
}

const SENTINEL = 'pnu_SENTINEL_config_key_9876543210';
const PYPROJECT = '[project]\nname = "flows"\n\n[tool.prefect-git]\nproject = "data-flows"\nlabels = ["prod"]\nconcurrency = 8\n';

function home(files: Record<string, string> = {}): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.prefect'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, '.prefect', name), text);
  return dir;
}

describe('prefect-git config', () => {
  it('shows every setting with its value and where it came from: flag, env, file:line, default', async () => {
    const repo = createRepo();
    writeFile(repo.dir, 'pyproject.toml', PYPROJECT);
    const env = { PREFECT_GIT_LABELS: 'k8s, gpu', PREFECT_GIT_REMOTE: 'upstream' };
    const run = await runCli(['config', '--json', '--project', 'from-flag'], { cwd: repo.dir, env, home: home() });
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json<ConfigJson>();
    expect(Object.keys(doc.settings)).toEqual(SETTING_KEYS);
    for (const key of SETTING_KEYS) expect(doc.settings[key]?.env).toBe(envName(key));
    expect(doc.config_file).toBe(join(repo.dir, 'pyproject.toml'));
    expect(doc.settings.project).toMatchObject({ value: 'from-flag', source: 'flag', detail: '--project' });
    expect(doc.settings.labels).toMatchObject({ value: ['k8s', 'gpu'], source: 'env', detail: 'PREFECT_GIT_LABELS', type: 'list of strings' });
    expect(doc.settings.concurrency).toMatchObject({ value: 8, source: 'file', detail: `${join(repo.dir, 'pyproject.toml')}:7`, type: 'integer 1–64' });
    expect(doc.settings.remote).toMatchObject({ value: 'upstream', source: 'env' });
    expect(doc.settings.prefect_version).toMatchObject({ value: '1.4.1', source: 'default', detail: null });
    expect(doc.settings.repo_host).toMatchObject({ value: null, source: 'default' });

    const text = await runCli(['config', '--label', 'a', '--label', 'b'], { cwd: repo.dir, env, home: home() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}project +data-flows +file pyproject\.toml:5$/m);
    expect(text.stdout).toMatch(/^ {2}labels +a, b +flag --label$/m);
    expect(text.stdout).toMatch(/^ {2}remote +upstream +env PREFECT_GIT_REMOTE$/m);
    expect(text.stdout).toMatch(/^ {2}prefect_version +1\.4\.1 +default$/m);
    expect(text.stdout).toMatch(/^ {2}repo_host +- +default \(from the remote URL\)$/m);
  });

  it('shows the Prefect connection with sources, and the API key only as *** (env, auth.toml, key file)', async () => {
    const repo = createRepo();
    const fromEnv = await runCli(['config', '--json'], {
      cwd: repo.dir,
      env: { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: 'http://prefect.internal:4200', PREFECT__CLOUD__API_KEY: SENTINEL },
      home: home(),
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain(SENTINEL);
    expect(fromEnv.json<ConfigJson>().prefect).toMatchObject({
      backend: { value: 'server', source: 'PREFECT__BACKEND' },
      api_url: { value: 'http://prefect.internal:4200', source: 'server endpoint (PREFECT__SERVER__ENDPOINT)' },
      ui_endpoint: { value: 'http://localhost:8080', source: 'default' },
      api_key: { value: '***', source: 'PREFECT__CLOUD__API_KEY' },
    });

    const authHome = home({ 'auth.toml': `["api.prefect.io"]\napi_key = "${SENTINEL}"\ntenant_id = "11111111-1111-1111-1111-111111111111"\n` });
    const fromFile = await runCli(['config'], { cwd: repo.dir, env: {}, home: authHome });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout + fromFile.stderr).not.toContain(SENTINEL);
    expect(fromFile.stdout).toMatch(/^ {2}backend +cloud +default$/m);
    expect(fromFile.stdout).toMatch(/^ {2}api_key +\*\*\* +auth\.toml$/m);
    expect(fromFile.stdout).toMatch(/^ {2}tenant_id +11111111-1111-1111-1111-111111111111 +auth\.toml$/m);

    const keyFile = join(tempDir(), 'key');
    writeFileSync(keyFile, `${SENTINEL}\n`);
    const flagged = await runCli(['config', '--json', '--backend', 'server', '--api-key-file', keyFile], { cwd: repo.dir, env: {}, home: home() });
    expect(flagged.stdout + flagged.stderr).not.toContain(SENTINEL);
    expect(flagged.json<ConfigJson>().prefect).toMatchObject({
      backend: { value: 'server', source: 'setting backend (flag --backend)' },
      api_key: { value: '***', source: '--api-key-file' },
    });
  });

  it('reads backend.toml and says so', async () => {
    const run = await runCli(['config', '--json'], { cwd: createRepo().dir, env: {}, home: home({ 'backend.toml': 'backend = "server"\n' }) });
    expect(run.json<ConfigJson>().prefect).toMatchObject({ backend: { value: 'server', source: 'backend.toml' }, api_url: { value: 'http://localhost:4200', source: 'server endpoint (default)' } });
  });

  it('works outside a git repository', async () => {
    const dir = tempDir();
    writeFile(dir, 'prefect-git.toml', 'project = "loose"\n');
    const run = await runCli(['config', '--json'], { cwd: dir, env: {}, home: home() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<ConfigJson>()).toMatchObject({ repository: null, settings: { project: { value: 'loose', source: 'file' } } });
  });

  it('reports every invalid value with file:line and exits 2', async () => {
    const repo = createRepo();
    writeFile(repo.dir, 'pyproject.toml', '[tool.prefect-git]\nconcurrency = 0\nlabelz = ["x"]\n');
    const run = await runCli(['config'], { cwd: repo.dir, env: { PREFECT_GIT_LOADER: 'magic' }, home: home() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pyproject.toml:2: concurrency');
    expect(run.stderr).toContain("pyproject.toml:3: unknown key 'labelz' (did you mean 'labels'?)");
    expect(run.stderr).toContain('PREFECT_GIT_LOADER: loader');
  });
});

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authTableName, readPrefectConnection } from '../../src/config/prefect-config.js';

const homes: string[] = [];
async function home(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pg-home-'));
  homes.push(dir);
  await mkdir(path.join(dir, '.prefect'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, '.prefect', name), text);
  return dir;
}
afterEach(async () => {
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('authTableName', () => {
  it.each([
    ['https://api.prefect.io', 'api.prefect.io'],
    ['http://localhost:4200', 'localhost-4200'],
    ['https://Prefect.Example.com:8443/graphql', 'prefect.example.com-8443'],
  ])('%s → %s', (url, name) => expect(authTableName(url)).toBe(name));
});

describe('readPrefectConnection', () => {
  it("defaults to Prefect's own defaults: cloud at https://api.prefect.io", async () => {
    const conn = await readPrefectConnection({ env: {}, home: await home() });
    expect(conn).toMatchObject({ backend: 'cloud', apiUrl: 'https://api.prefect.io', uiEndpoint: 'http://localhost:8080' });
    expect(conn.apiKey).toBeUndefined();
  });

  it('reads backend.toml and config.toml like Prefect (server endpoint from host and port)', async () => {
    const dir = await home({
      'backend.toml': 'backend = "server"\n',
      'config.toml': '[server]\nhost = "http://prefect.internal"\nport = 4300\n[server.ui]\nendpoint = "https://ui.internal"\n',
    });
    const conn = await readPrefectConnection({ env: {}, home: dir });
    expect(conn).toMatchObject({ backend: 'server', apiUrl: 'http://prefect.internal:4300', uiEndpoint: 'https://ui.internal' });
  });

  it('lets PREFECT__* env win over files, and flags win over env', async () => {
    const dir = await home({ 'backend.toml': 'backend = "cloud"\n' });
    const env = { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: 'http://env:4200' };
    expect((await readPrefectConnection({ env, home: dir })).apiUrl).toBe('http://env:4200');
    const flagged = await readPrefectConnection({ env, home: dir, flags: { backend: 'cloud', api: 'https://flag.example' } });
    expect(flagged).toMatchObject({ backend: 'cloud', apiUrl: 'https://flag.example' });
  });

  it("takes the key and tenant from auth.toml's table for the API in use, env first", async () => {
    const dir = await home({
      'auth.toml': '["api.prefect.io"]\napi_key = "pnu_file"\ntenant_id = "11111111-1111-1111-1111-111111111111"\n\n[localhost-4200]\napi_key = "k2"\n',
    });
    const cloud = await readPrefectConnection({ env: {}, home: dir });
    expect(cloud).toMatchObject({ apiKey: 'pnu_file', apiKeySource: 'auth.toml', tenantId: '11111111-1111-1111-1111-111111111111' });
    const server = await readPrefectConnection({ env: { PREFECT__BACKEND: 'server' }, home: dir });
    expect(server).toMatchObject({ apiUrl: 'http://localhost:4200', apiKey: 'k2' });
    const env = await readPrefectConnection({ env: { PREFECT__CLOUD__API_KEY: 'pnu_env' }, home: dir });
    expect(env).toMatchObject({ apiKey: 'pnu_env', apiKeySource: 'PREFECT__CLOUD__API_KEY' });
  });

  it('reads the key from --api-key-file, never from a flag value', async () => {
    const dir = await home();
    const file = path.join(dir, 'key.txt');
    await writeFile(file, 'pnu_from_file\n');
    const conn = await readPrefectConnection({ env: {}, home: dir, flags: { apiKeyFile: file } });
    expect(conn).toMatchObject({ apiKey: 'pnu_from_file', apiKeySource: '--api-key-file' });
  });

  it('refuses an unknown backend', async () => {
    await expect(readPrefectConnection({ env: { PREFECT__BACKEND: 'orion' }, home: await home() })).rejects.toMatchObject({ code: 'E_CONFIG' });
  });
});

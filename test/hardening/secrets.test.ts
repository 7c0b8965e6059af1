/**
 * No secret reaches the output: every command of `prefect-git --help`, on a success and a failure
 * path, with --debug (human) and --debug --json, an API key from the env or ~/.prefect/auth.toml,
 * a git token inside the remote URL, and a Cloud fake that echoes the request headers (the
 * Authorization header included) into its error messages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { Output } from '../../src/cli/output.js';
import { authTableName } from '../../src/config/prefect-config.js';
import type { FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import type { TestRepo } from '../git/helpers.js';
import { cleanupRepos, tempDir } from '../git/helpers.js';
import { goldenFlowsRepo } from '../e2e/flows-repo.js';
import { cli, instantTransport } from './helpers.js';

// Characters that URL-encoding and base64 both change, so every form is a different string.
const KEY = 'pnu_S3NT1NEL+key/9Zq=';
const TOKEN = 'ghp_S3NT1NELt0ken4f9e8d7c6b5a';
const TOKEN_URL = `https://x-access-token:${TOKEN}@github.com/acme/data-flows.git`;

function forms(secret: string): string[] {
  const b64 = (text: string): string[] => [Buffer.from(text).toString('base64'), Buffer.from(text).toString('base64url')];
  return [secret, encodeURIComponent(secret), encodeURI(secret), ...b64(secret), ...b64(`:${secret}`), ...b64(`x-access-token:${secret}`)];
}
const FORMS = [...forms(KEY), ...forms(TOKEN)].map((form) => form.toLowerCase());

let repo: TestRepo;
let good: FakeServer;
let wrongKey: FakeServer;
let failing: FakeServer;
const homes = { env: '', auth: '' };

beforeAll(async () => {
  repo = goldenFlowsRepo(['my_flows', 'schedules']);
  repo.git('remote', 'set-url', 'origin', TOKEN_URL);
  repo.git('config', `url.${repo.origin!}.insteadOf`, TOKEN_URL);
  good = await startFakeServer({ backend: 'cloud', apiKey: KEY, echoHeaders: true, tenantSlug: 'acme' });
  wrongKey = await startFakeServer({ backend: 'cloud', apiKey: 'pnu_someone_else', echoHeaders: true });
  failing = await startFakeServer({ backend: 'cloud', apiKey: KEY, echoHeaders: true, faults: () => '503' });
  homes.env = tempDir();
  homes.auth = tempDir();
  mkdirSync(join(homes.auth, '.prefect'));
  const tables = [good, wrongKey, failing].map((s) => `["${authTableName(s.url)}"]\napi_key = "${KEY}"\n`);
  writeFileSync(join(homes.auth, '.prefect', 'auth.toml'), tables.join('\n'));
});
afterAll(async () => {
  await Promise.all([good, wrongKey, failing].map((s) => s.close()));
  cleanupRepos();
});

interface Case {
  command: string;
  argv: string[];
  ok: boolean;
  /** Which fake the API URL points at. */
  server?: () => FakeServer;
  /** Extra env. */
  env?: Record<string, string>;
  /** Text the output must contain, proving the path was really taken. */
  shows?: string;
  /** No API key at all (the `Authorization: Basic` of the API URL's credentials is sent instead). */
  noKey?: boolean;
}

const keyFile = (): string => {
  const file = join(tempDir(), 'key');
  writeFileSync(file, `${KEY}\n`);
  return file;
};

// In order: register runs before verify and prune need its flows.
const CASES: Case[] = [
  { command: 'ref', argv: ['ref'], ok: true },
  { command: 'ref', argv: ['ref', '--tag', 'v9.9.9'], ok: false, shows: 'v9.9.9' },
  { command: 'inspect', argv: ['inspect'], ok: true, shows: 'hello-flow' },
  { command: 'inspect', argv: ['inspect', 'no/such/path'], ok: false, shows: 'no/such/path' },
  { command: 'register', argv: ['register', '--project', 'data', '--create-project'], ok: true, server: () => good, shows: 'hello-flow' },
  { command: 'register', argv: ['register', '--project', 'data'], ok: false, server: () => wrongKey, shows: 'not authorized' },
  { command: 'register', argv: ['register', '--project', 'data'], ok: false, server: () => failing, shows: 'request headers' },
  { command: 'register', argv: ['register', '--project', 'data', '--api-key-file', '<key-file>'], ok: false, server: () => wrongKey, shows: 'not authorized' },
  { command: 'register', argv: ['register', '--project', 'data', '--api', '<basic-auth-url>'], ok: false, server: () => wrongKey, noKey: true, shows: 'not authorized' },
  { command: 'verify', argv: ['verify', '--project', 'data'], ok: true, server: () => good, shows: 'hello-flow' },
  { command: 'verify', argv: ['verify', '--project', 'data'], ok: false, server: () => wrongKey, shows: 'not authorized' },
  { command: 'prune', argv: ['prune', '--project-pattern', 'data-{ref_slug}'], ok: true, server: () => good },
  { command: 'prune', argv: ['prune', '--project-pattern', 'data-{ref_slug}'], ok: false, server: () => wrongKey, shows: 'not authorized' },
  { command: 'config', argv: ['config'], ok: true, server: () => good },
  { command: 'config', argv: ['config'], ok: false, server: () => good, env: { PREFECT_GIT_CONCURRENCY: 'many' } },
  { command: 'doctor', argv: ['doctor', '--project', 'data'], ok: true, server: () => good },
  { command: 'doctor', argv: ['doctor', '--project', 'data'], ok: false, server: () => wrongKey },
  { command: 'completion', argv: ['completion', 'bash'], ok: true },
  { command: 'completion', argv: ['completion', 'tcsh'], ok: false },
];

function argvFor(c: Case): string[] {
  return c.argv.map((arg) => {
    if (arg === '<key-file>') return keyFile();
    // Basic credentials in the API URL: sent as `Authorization: Basic`, echoed back by the fake.
    if (arg === '<basic-auth-url>') return (c.server?.() ?? good).url.replace('http://', `http://x-access-token:${TOKEN}@`);
    return arg;
  });
}

function envFor(c: Case, keyFrom: 'env' | 'auth'): Record<string, string> {
  const server = c.server?.() ?? good;
  return {
    PREFECT__BACKEND: 'cloud',
    PREFECT__CLOUD__API: server.url,
    ...(keyFrom === 'env' && c.noKey !== true ? { PREFECT__CLOUD__API_KEY: KEY } : {}),
    ...c.env,
  };
}

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return FORMS.filter((form) => lower.includes(form));
}

describe('secrets never reach the output', () => {
  it('the cases cover every command in --help', () => {
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', stderrIsTTY: false };
    const commands = buildProgram(io, { output: new Output(io, {}), exitCode: 0 }).commands.map((c) => c.name());
    expect(new Set(CASES.filter((c) => c.ok).map((c) => c.command))).toEqual(new Set(commands));
    expect(new Set(CASES.filter((c) => !c.ok).map((c) => c.command))).toEqual(new Set(commands));
  });

  for (const [i, c] of CASES.entries()) {
    for (const mode of ['--json', 'human'] as const) {
      // The key comes from the env in one mode and from auth.toml in the other, alternating.
      const keyFrom = (i + (mode === 'human' ? 1 : 0)) % 2 === 0 ? 'env' : 'auth';
      it(`${c.ok ? 'success' : 'failure'}: ${c.argv.join(' ')} (${mode}, --debug, key from ${keyFrom})`, async () => {
        const argv = ['--debug', ...(mode === '--json' ? ['--json'] : []), ...argvFor(c)];
        const home = c.noKey === true ? homes.env : homes[keyFrom];
        const run = await cli(argv, { cwd: repo.dir, env: envFor(c, keyFrom), home, transport: instantTransport(1_000).transport });
        const all = `${run.stdout}\n${run.stderr}`;
        expect(leaks(all), all).toEqual([]);
        if (c.ok) expect(run.code, all).toBe(0);
        else expect(run.code, all).toBeGreaterThan(1);
        if (c.shows !== undefined) expect(all).toContain(c.shows);
        // `completion --json` prints the script, not JSON (reported; completion.ts is not ours).
        if (mode === '--json' && c.command !== 'completion') expect(() => JSON.parse(run.stdout) as unknown, all).not.toThrow();
        // With --json the server's echoed messages are in the error details: the redactor had work.
        if (mode === '--json' && c.server?.() === wrongKey && c.command !== 'doctor') expect(run.stdout).toContain('request headers');
        expect(all).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
      });
    }
  }
});

describe('the secret checks can fail', () => {
  it('a secret in any of its forms is found', () => {
    for (const form of [KEY, encodeURIComponent(KEY), Buffer.from(`:${TOKEN}`).toString('base64')]) expect(leaks(`x ${form} y`)).not.toEqual([]);
  });

  it('the echoing fake really echoes the key (so the redactor had something to remove)', async () => {
    const response = await fetch(wrongKey.url, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ tenant { id } }' }) });
    expect(leaks(await response.text())).not.toEqual([]);
  });
});

/**
 * Property tests: random TOML-ish settings files, env values and flags never end in anything but
 * a result or E_CONFIG; random command lines never exit 1; `programNeeds` picks the command the
 * way commander will run it.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { programNeeds } from '../../src/cli/program-base.js';
import { buildProgram } from '../../src/cli/program.js';
import { loadSettings } from '../../src/config/load-settings.js';
import { SETTING_KEYS, envName } from '../../src/config/schema.js';
import { isPrefectGitError } from '../../src/errors.js';
import { createRedactor } from '../../src/report/redact.js';
import type { TestRepo } from '../git/helpers.js';
import { cleanupRepos, tempDir } from '../git/helpers.js';
import { goldenFlowsRepo } from '../e2e/flows-repo.js';
import { STACK_FRAME, cli, instantTransport } from './helpers.js';

const keyName = fc.oneof(
  fc.constantFrom(...SETTING_KEYS, ...SETTING_KEYS.map((k) => k.replace(/_/g, '-')), 'projet', 'tool', '__proto__', 'constructor'),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: fc.constantFrom(...'a(.*+?[]{}|^$\\'), minLength: 1, maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.integer().map(String),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : 'inf')),
  fc.constantFrom('true', 'false', 'nan', '-inf', '1e400', '0x1F', '1979-05-27T07:32:00Z', '1979-05-27', "'''multi\nline'''", '"\\u00e9"', '"\\ud800"'),
);
const value = fc.letrec<{ value: string; array: string; table: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('table')),
  array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  table: fc.array(fc.tuple(keyName, tie('value')), { maxLength: 2 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
})).value;
const line = fc.oneof(
  fc.tuple(keyName, value).map(([k, v]) => `${k} = ${v}`),
  fc.constantFrom('[tool.prefect-git]', '[[tool.prefect-git]]', '[tool]', 'prefect-git = 1', '[tool.prefect-git.sub]', '# comment', '', '[', '=', 'tool.prefect-git.project = "x"'),
  fc.string({ maxLength: 20 }),
);
// Mostly a [tool.prefect-git] table, so the keys and values reach validation.
const header = fc.oneof({ arbitrary: fc.constant('[tool.prefect-git]'), weight: 4 }, { arbitrary: fc.constantFrom('', '[tool]', '[[tool.prefect-git]]'), weight: 1 });
const tomlish = fc.tuple(header, fc.array(line, { maxLength: 8 })).map(([head, lines]) => [head, ...lines].join('\n'));
const envValues = fc.dictionary(fc.constantFrom(...SETTING_KEYS.map(envName)), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('1', '0', 'yes', '64', '65', ',', 'http://127.0.0.1:9')), { maxKeys: 4 });
const flagValues = fc.dictionary(fc.constantFrom(...SETTING_KEYS), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 })), { maxKeys: 3 });

describe('the settings loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => cleanupRepos());

  it('random TOML-ish files, env values and flags give settings or E_CONFIG, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('pyproject.toml', 'prefect-git.toml'), tomlish, envValues, flagValues, async (name, text, env, flags) => {
        rmSync(join(dir, 'pyproject.toml'), { force: true });
        rmSync(join(dir, 'prefect-git.toml'), { force: true });
        writeFileSync(join(dir, name), text);
        try {
          await loadSettings({ cwd: dir, stopAt: dir, env, flags });
        } catch (error) {
          if (!isPrefectGitError(error) || error.code !== 'E_CONFIG') throw error;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('the CLI with random settings and command lines', () => {
  let repo: TestRepo;
  const ALLOWED = [0, 2, 3, 4, 5, 6];
  beforeAll(() => {
    repo = goldenFlowsRepo(['my_flows']);
  });
  afterAll(() => {
    rmSync(join(repo.dir, 'pyproject.toml'), { force: true });
    cleanupRepos();
  });

  // Only loopback may be reached, whatever a random --api says.
  const transport = { ...instantTransport(300).transport, fetch: loopbackOnly };
  const env = { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: 'http://127.0.0.1:9', PREFECT_GIT_LOADER: 'static' };

  it('a random pyproject.toml never exits 1', async () => {
    await fc.assert(
      fc.asyncProperty(tomlish, async (text) => {
        writeFileSync(join(repo.dir, 'pyproject.toml'), text);
        const run = await cli(['--json', 'inspect'], { cwd: repo.dir, env, transport });
        expect(ALLOWED, `${text}\n${run.stderr}`).toContain(run.code);
        expect(run.stderr).not.toMatch(STACK_FRAME);
      }),
      { numRuns: 30 },
    );
    rmSync(join(repo.dir, 'pyproject.toml'), { force: true });
  });

  it('random command lines never exit 1', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', stderrIsTTY: false };
    const program = buildProgram(io, { output: new Output(io, {}), exitCode: 0 });
    const flags = [...program.options, ...program.commands.flatMap((c) => c.options)].flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
    const commands = program.commands.map((c) => c.name());
    const word = fc.oneof(
      fc.constantFrom(...commands, 'help', ...flags, '--', '-', '-qC', '--json', 'bash', 'my_flows', '.', '..', '/', 'v1.0.0', 'main', 'origin', 'http://127.0.0.1:9', '{ref_slug}'),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    // `--loader python` and `both` start the user's Python; they are covered elsewhere.
    const argv = fc.array(word, { maxLength: 7 }).filter((a) => !a.some((w) => w === 'python' || w === 'both'));
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const run = await cli(args, { cwd: repo.dir, env, home: repo.dir, transport });
        expect(ALLOWED, `${JSON.stringify(args)}\n${run.stderr}`).toContain(run.code);
        if (!args.includes('--debug')) expect(`${run.stdout}${run.stderr}`).not.toMatch(STACK_FRAME);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the redactor', () => {
  it('masks a secret inside `Basic base64(user:secret)` whatever the user, in both base64 alphabets', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 10, maxLength: 40 }), fc.constantFrom('base64', 'base64url') as fc.Arbitrary<BufferEncoding>, (user, secret, encoding) => {
        const header = Buffer.from(`${user}:${secret}`).toString(encoding);
        const out = createRedactor([secret])(`Authorization: Basic ${header}`);
        expect(out).not.toContain(header);
        expect(out).toContain('***');
      }),
      { numRuns: 500 },
    );
  });

  it('leaves text without secrets or URL credentials as it is', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ minLength: 10, maxLength: 20 }), (text, secret) => {
        fc.pre(!text.includes('@') && !text.includes(secret));
        expect(createRedactor([secret])(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('programNeeds (which command modules main() loads)', () => {
  it.each([
    [['--version'], { kind: 'version' }],
    [['-C', 'x', '--json', '-V'], { kind: 'version' }],
    [['ref'], { kind: 'command', name: 'ref' }],
    [['-C', 'ref', 'inspect'], { kind: 'command', name: 'inspect' }],
    [['--cwd=x', '-q', '--debug', '--no-color', 'register', '--version'], { kind: 'command', name: 'register' }],
    [['completion', 'bash'], { kind: 'all' }],
    [['help', 'ref'], { kind: 'all' }],
    [['-qC', 'x', 'ref'], { kind: 'all' }],
    [['--help'], { kind: 'all' }],
    [['frobnicate'], { kind: 'all' }],
    [['__proto__'], { kind: 'all' }],
    [[], { kind: 'all' }],
  ])('%j → %j', (argv, expected) => {
    expect(programNeeds(argv)).toEqual(expected);
  });

  it('every command of the program can be loaded alone, except completion', () => {
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', stderrIsTTY: false };
    const names = buildProgram(io, { output: new Output(io, {}), exitCode: 0 }).commands.map((c) => c.name());
    expect(names.filter((name) => programNeeds([name]).kind !== 'command')).toEqual(['completion']);
  });

  it('--version loads no command and prints the version', async () => {
    const run = await cli(['--version'], { cwd: tempDir() });
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) as unknown });
  });
});

/** fetch, refusing anything but 127.0.0.1 (a random --api must not reach the network). */
function loopbackOnly(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== '127.0.0.1') return Promise.reject(new TypeError(`blocked: ${url.hostname}`));
  return fetch(input, init);
}

/**
 * Broken settings, Prefect config, refs, remotes and arguments through the CLI (--json): every
 * row ends with a documented exit code and error code, never exit 1, never a stack trace.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { TestRepo } from '../git/helpers.js';
import { cleanupRepos, createRepo, tempDir } from '../git/helpers.js';
import { GITHUB_URL, goldenFlowsRepo } from '../e2e/flows-repo.js';
import type { BadInput } from './helpers.js';
import { STACK_FRAME, cli, instantTransport, jsonCodes } from './helpers.js';

interface Row extends BadInput {
  /** Files written into the work tree (removed afterwards). */
  files?: Record<string, string | Buffer>;
  /** Files written under the home folder (~/.prefect/...). */
  home?: Record<string, string>;
  /** The origin URL for this row. */
  remote?: string;
  /** Run somewhere else than the flows repository. */
  where?: 'not-a-repo' | 'empty-repo' | 'detached';
  /** What the output must say. */
  says?: RegExp;
}

const PY = 'pyproject.toml';
const tool = (body: string): Record<string, string> => ({ [PY]: `[tool.prefect-git]\n${body}\n` });
const INSPECT = ['inspect'];
const REGISTER = ['register', '--project', 'data'];
const SERVER = { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: 'http://127.0.0.1:9' };

const CONFIG: Row[] = [
  { name: 'invalid TOML', argv: INSPECT, files: { [PY]: '[tool.prefect-git\nproject = 1\n' }, exit: [2], code: 'E_CONFIG' },
  { name: 'duplicate key', argv: INSPECT, files: tool('project = "a"\nproject = "b"'), exit: [2], code: 'E_CONFIG' },
  { name: 'concurrency is a word', argv: INSPECT, files: tool('concurrency = "eight"'), exit: [2], code: 'E_CONFIG' },
  { name: 'concurrency 0', argv: INSPECT, files: tool('concurrency = 0'), exit: [2], code: 'E_CONFIG' },
  { name: 'concurrency inf', argv: INSPECT, files: tool('concurrency = inf'), exit: [2], code: 'E_CONFIG' },
  { name: 'concurrency 1e400', argv: INSPECT, files: tool('concurrency = 1e400'), exit: [2], code: 'E_CONFIG' },
  { name: 'labels is a string', argv: INSPECT, files: tool('labels = "prod"'), exit: [2], code: 'E_CONFIG' },
  { name: 'use_ssh is a string', argv: INSPECT, files: tool('use_ssh = "yes"'), exit: [2], code: 'E_CONFIG' },
  { name: 'paths are numbers', argv: INSPECT, files: tool('paths = [1, 2]'), exit: [2], code: 'E_CONFIG' },
  { name: 'paths hold an empty string', argv: INSPECT, files: tool('paths = [""]'), exit: [2], code: 'E_CONFIG' },
  { name: 'schedule is a boolean', argv: INSPECT, files: tool('schedule = true'), exit: [2], code: 'E_CONFIG' },
  { name: 'api is not a URL', argv: INSPECT, files: tool('api = "not a url"'), exit: [2], code: 'E_CONFIG' },
  { name: 'prefect_version is a word', argv: INSPECT, files: tool('prefect_version = "latest"'), exit: [2], code: 'E_CONFIG' },
  { name: 'a date as the project', argv: INSPECT, files: tool('project = 2024-01-01'), exit: [2], code: 'E_CONFIG' },
  { name: 'unknown key', argv: INSPECT, files: tool('projet = "x"'), exit: [2], code: 'E_CONFIG' },
  { name: 'a quoted key with regex characters', argv: INSPECT, files: tool('"a(b[" = 1'), exit: [2], code: 'E_CONFIG' },
  { name: 'an array of tables', argv: INSPECT, files: { [PY]: '[[tool.prefect-git]]\nproject = "x"\n' }, exit: [2], code: 'E_CONFIG' },
  { name: 'tool.prefect-git is a string', argv: INSPECT, files: { [PY]: '[tool]\nprefect-git = "x"\n' }, exit: [2], code: 'E_CONFIG' },
  { name: 'not UTF-8', argv: INSPECT, files: { [PY]: Buffer.from([0x5b, 0xff, 0xfe, 0x5d, 0x0a]) }, exit: [2], code: 'E_CONFIG' },
  { name: 'a 5 MB pyproject.toml', argv: INSPECT, files: { [PY]: `[tool.prefect-git]\nlabels = [${'"x", '.repeat(700_000)}]\n` }, exit: [0] },
  { name: 'prefect-git.toml with [tool.prefect-git]', argv: INSPECT, files: { 'prefect-git.toml': '[tool.prefect-git]\nlabels = ["a"]\n' }, exit: [0] },
  { name: 'pyproject.toml is a folder', argv: INSPECT, files: { [`${PY}/x`]: '' }, exit: [0] },
  { name: 'env: concurrency 8x', argv: INSPECT, env: { PREFECT_GIT_CONCURRENCY: '8x' }, exit: [2], code: 'E_CONFIG' },
  { name: 'env: use_ssh maybe', argv: INSPECT, env: { PREFECT_GIT_USE_SSH: 'maybe' }, exit: [2], code: 'E_CONFIG' },
  { name: 'env: loader magic', argv: INSPECT, env: { PREFECT_GIT_LOADER: 'magic' }, exit: [2], code: 'E_CONFIG' },
  { name: 'env: api ::', argv: INSPECT, env: { PREFECT_GIT_API: '::' }, exit: [2], code: 'E_CONFIG' },
  { name: 'env: labels of commas only', argv: INSPECT, env: { PREFECT_GIT_LABELS: ',,,' }, exit: [0, 2] },
  { name: 'Prefect config.toml is invalid', argv: REGISTER, env: SERVER, home: { '.prefect/config.toml': '[server\n' }, exit: [2], code: 'E_CONFIG' },
  { name: 'backend.toml says moon', argv: REGISTER, home: { '.prefect/backend.toml': 'backend = "moon"\n' }, exit: [2], code: 'E_CONFIG' },
  { name: 'auth.toml is binary', argv: REGISTER, env: { PREFECT__BACKEND: 'cloud', PREFECT__CLOUD__API: 'http://127.0.0.1:9' }, home: { '.prefect/auth.toml': '\u0000\u0001' }, exit: [2, 4] },
  { name: 'PREFECT__BACKEND=moon', argv: REGISTER, env: { PREFECT__BACKEND: 'moon' }, exit: [2], code: 'E_CONFIG' },
  { name: 'server port is a word', argv: REGISTER, env: { PREFECT__BACKEND: 'server', PREFECT__SERVER__PORT: 'abc' }, exit: [2], code: 'E_CONFIG' },
  { name: '--api-key-file is missing', argv: [...REGISTER, '--api-key-file', 'no/such/file'], env: SERVER, exit: [2], code: 'E_CONFIG' },
  { name: '--api-key-file is a folder', argv: [...REGISTER, '--api-key-file', '.'], env: SERVER, exit: [2], code: 'E_CONFIG' },
  { name: '--concurrency abc', argv: [...REGISTER, '--concurrency', 'abc'], env: SERVER, exit: [2], code: 'E_CONFIG' },
  { name: '--concurrency 1e3', argv: [...REGISTER, '--concurrency', '1e3'], env: SERVER, exit: [2], code: 'E_CONFIG' },
  { name: '--api ftp://', argv: [...REGISTER, '--api', 'ftp://example.com'], exit: [2], code: 'E_CONFIG' },
  { name: '--backend moon', argv: [...REGISTER, '--backend', 'moon'], exit: [2], code: 'E_USAGE' },
  { name: 'register without a project', argv: ['register'], env: SERVER, exit: [2], code: 'E_USAGE' },
  { name: '--schedule followed by a path', argv: [...REGISTER, '--schedule', 'my_flows/'], env: SERVER, exit: [2], code: 'E_USAGE', says: /write --schedule=on, or put the paths first/ },
];

const REFS: Row[] = [
  // An empty --tag counts as not given, like an empty BUILD_TAG.
  { name: '--tag ""', argv: ['inspect', '--tag', ''], exit: [0, 2, 3] },
  { name: '--tag -x', argv: ['inspect', '--tag', '-x'], exit: [2, 3] },
  { name: '--tag --upload-pack=evil', argv: ['inspect', '--tag', '--upload-pack=evil'], exit: [3], code: 'E_REF_NAME' },
  { name: '--branch a..b', argv: ['inspect', '--branch', 'a..b'], exit: [3], code: 'E_REF_NAME' },
  { name: '--branch "a b"', argv: ['inspect', '--branch', 'a b'], exit: [3], code: 'E_REF_NAME' },
  { name: '--branch x.lock', argv: ['inspect', '--branch', 'x.lock'], exit: [3], code: 'E_REF_NAME' },
  { name: '--branch @{u}', argv: ['inspect', '--branch', '@{u}'], exit: [3], code: 'E_REF_NAME' },
  { name: '--branch with a control character', argv: ['inspect', '--branch', 'a\u0001b'], exit: [3], code: 'E_REF_NAME' },
  { name: '--tag with a newline', argv: ['ref', '--tag', 'v1\n'], exit: [3] },
  { name: '--branch in unicode, not on the remote', argv: ['register', '--project', 'p', '--branch', 'fünf-ß'], env: SERVER, exit: [3] },
  { name: '--tag and --branch', argv: ['inspect', '--tag', 'v1', '--branch', 'main'], exit: [2], code: 'E_USAGE' },
  { name: 'BUILD_TAG=-rf', argv: ['ref'], env: { BUILD_TAG: '-rf' }, exit: [3], code: 'E_REF_NAME' },
  { name: 'GIT_BRANCH=origin/', argv: ['ref'], env: { GIT_BRANCH: 'origin/' }, exit: [3], code: 'E_REF_NAME' },
  { name: 'GIT_BRANCH=origin/-x', argv: ['ref'], env: { GIT_BRANCH: 'origin/-x' }, exit: [3], code: 'E_REF_NAME' },
  { name: '--remote -x', argv: ['inspect', '--remote', '-x'], exit: [2, 3] },
  { name: '--remote that does not exist', argv: ['inspect', '--remote', 'nosuch'], exit: [3], code: 'E_NO_REMOTE' },
  { name: 'remote URL is not a URL (read as a local path)', argv: INSPECT, remote: 'not a url', exit: [2, 3] },
  { name: 'remote URL is a git remote helper', argv: INSPECT, remote: 'ext::sh -c touch% /tmp/pwned', exit: [3], code: 'E_REMOTE_URL' },
  { name: 'remote URL without a path', argv: INSPECT, remote: 'https://github.com', exit: [3], code: 'E_REMOTE_URL' },
  { name: 'remote URL with a broken IPv6 host', argv: INSPECT, remote: 'https://[::1/acme/flows.git', exit: [3], code: 'E_REMOTE_URL' },
  { name: 'remote URL with a port that is a word', argv: INSPECT, remote: 'ssh://git@host:port/acme/flows.git', exit: [0, 3] },
  { name: 'remote URL with a unicode host', argv: INSPECT, remote: 'https://gït.example/acme/flows.git', exit: [0, 3] },
  { name: 'remote URL with query and fragment', argv: INSPECT, remote: 'https://github.com/acme/flows.git?x=1#frag', exit: [0, 3] },
  { name: 'scp-like remote with an empty path', argv: INSPECT, remote: 'git@github.com:', exit: [3], code: 'E_REMOTE_URL' },
  { name: '-C a folder that does not exist', argv: ['-C', 'nope', 'ref'], exit: [3], code: 'E_NOT_A_REPO' },
  { name: '-C a file', argv: ['-C', 'my_flows/hello_flow.py', 'ref'], exit: [2, 3] },
  { name: 'not a repository', argv: ['ref'], where: 'not-a-repo', exit: [3], code: 'E_NOT_A_REPO' },
  { name: 'a repository without commits', argv: INSPECT, where: 'empty-repo', exit: [3], code: 'E_NO_COMMITS' },
  { name: 'a detached HEAD and no ref', argv: INSPECT, where: 'detached', exit: [3], code: 'E_DETACHED_HEAD' },
  { name: 'a path outside the repository', argv: ['inspect', '../outside'], exit: [2], code: 'E_PATH_NOT_FOUND' },
  { name: 'an absolute path elsewhere', argv: ['inspect', '/etc'], exit: [2], code: 'E_PATH_NOT_FOUND' },
  { name: 'a path with a NUL byte', argv: ['inspect', 'a\u0000b'], exit: [2], code: 'E_PATH_NOT_FOUND' },
  { name: 'a path that looks like an option', argv: ['inspect', '--', '-x'], exit: [2], code: 'E_PATH_NOT_FOUND' },
  { name: '--name of no flow', argv: ['inspect', '--name', ''], exit: [2, 6] },
  { name: 'an unknown option', argv: ['inspect', '--frobnicate'], exit: [2], code: 'E_USAGE' },
  { name: 'an unknown command', argv: ['frobnicate'], exit: [2], code: 'E_USAGE' },
  { name: 'an option without its value', argv: ['inspect', '--tag'], exit: [2], code: 'E_USAGE' },
];

let repo: TestRepo;
const places = { 'not-a-repo': '', 'empty-repo': '', detached: '' };
beforeAll(() => {
  repo = goldenFlowsRepo(['my_flows']);
  places['not-a-repo'] = tempDir();
  places['empty-repo'] = createRepo({ commits: 0 }).dir;
  const detached = goldenFlowsRepo(['my_flows']);
  detached.git('checkout', '-q', '--detach');
  places.detached = detached.dir;
});
afterAll(() => cleanupRepos());

function write(root: string, files: Record<string, string | Buffer>): () => void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    if (!rel.endsWith('/x')) writeFileSync(join(root, rel), content);
    else mkdirSync(dirname(join(root, rel)), { recursive: true });
  }
  return () => {
    for (const rel of Object.keys(files)) rmSync(join(root, rel.split('/')[0]!), { recursive: true, force: true });
  };
}

async function check(row: Row): Promise<void> {
  const home = tempDir();
  const undo = write(repo.dir, row.files ?? {});
  write(home, row.home ?? {});
  if (row.remote !== undefined) repo.git('remote', 'set-url', 'origin', row.remote);
  try {
    const cwd = row.where === undefined ? repo.dir : places[row.where];
    const run = await cli(['--json', ...row.argv], { cwd, env: { ...row.env }, home, transport: instantTransport(500).transport });
    const all = `${run.stdout}\n${run.stderr}`;
    expect(row.exit, all).toContain(run.code);
    expect(all).not.toMatch(STACK_FRAME);
    const codes = run.stdout === '' ? [] : jsonCodes(run.stdout);
    for (const code of codes) expect(Object.keys(ErrorCodes)).toContain(code);
    if (run.code !== 0) {
      expect(codes.length, all).toBeGreaterThan(0);
      if (run.code !== 2 || !codes.includes('E_USAGE')) expect(run.stderr).toMatch(/hint/);
    }
    if (row.code !== undefined) expect(codes, all).toContain(row.code);
    if (row.says !== undefined) expect(all).toMatch(row.says);
  } finally {
    undo();
    if (row.remote !== undefined) repo.git('remote', 'set-url', 'origin', GITHUB_URL);
  }
}

describe('bad settings and Prefect config', () => {
  for (const row of CONFIG) it(row.name, () => check(row));
});

describe('bad refs, remotes and arguments', () => {
  for (const row of REFS) it(row.name, () => check(row));
  it('the corpus has more than 50 inputs', () => {
    expect(CONFIG.length + REFS.length).toBeGreaterThan(50);
  });
});

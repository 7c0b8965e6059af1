/**
 * The published package, as a user gets it: `npm pack` (which builds), install the tarball into
 * an empty folder, and run the bin and the library from there, away from the source tree. The
 * install needs the registry (or an npm cache holding the dependencies); CI has the registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRepos, git, tempDir } from '../git/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; files: string[] };
/** Generous: `npm pack` runs the TypeScript build, and the install may download. */
const TIMEOUT = 240_000;

/** The child env: no npm lifecycle variables of the outer `npm test` (they change npm's behaviour). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const keep = !key.toLowerCase().startsWith('npm_') || /^npm_config_(cache|registry|userconfig)$/i.test(key);
    if (keep && !key.toUpperCase().startsWith('GIT_')) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT });
}

/** flows-example committed on `main` in a fresh repository. */
function exampleRepo(): string {
  const repo = tempDir();
  cpSync(join(ROOT, 'flows-example'), repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'flows');
  return repo;
}

interface PackResult {
  filename: string;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

describe('the npm package', () => {
  let packed: PackResult;
  let tarball: string;
  let project: string;

  beforeAll(() => {
    const out = tempDir();
    packed = (JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], ROOT)) as PackResult[])[0]!;
    tarball = join(out, packed.filename);
    project = tempDir();
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-test', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--no-save', tarball], project);
  }, TIMEOUT);
  afterAll(() => cleanupRepos());

  it('ships bin, dist, grammars and python, and nothing else heavy', () => {
    expect(pkg.files).toEqual(['bin', 'dist', 'grammars', 'python']);
    const paths = packed.files.map((file) => file.path);
    const outside = paths.filter((path) => !/^(bin|dist|grammars|python)\//.test(path) && !/^(package\.json|README\.md|LICENSE[^/]*)$/.test(path));
    expect(outside).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['bin/prefect-git.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'grammars/tree-sitter-python.wasm', 'python/prefect_git_loader.py']));
    expect(paths.filter((path) => path.endsWith('.map') || path.includes('/test/') || path.endsWith('.test.js'))).toEqual([]);
    // Every built file comes from a source file that exists now: no leftovers of deleted modules.
    const stale = paths.filter((path) => path.startsWith('dist/') && path.endsWith('.js') && !existsSync(join(ROOT, 'src', path.slice(5).replace(/\.js$/, '.ts'))));
    expect(stale).toEqual([]);
    expect(packed.unpackedSize).toBeLessThan(5 * 1024 * 1024);
  });

  it('runs `npx prefect-git --version` from the installed package', () => {
    expect(run('npx', ['prefect-git', '--version'], project).trim()).toBe(pkg.version);
    // The installed copy is used, not the source tree.
    expect(existsSync(join(project, 'node_modules', pkg.name, 'src'))).toBe(false);
  }, TIMEOUT);

  it('inspects the example flows in a fresh repository', () => {
    const repo = exampleRepo();
    const doc = JSON.parse(run('npx', ['prefect-git', '-C', repo, '--json', 'inspect'], project)) as {
      ref: { name: string };
      flows: Array<{ name: string; loader: string; idempotency_key: string }>;
      errors: unknown[];
    };
    expect(doc.ref.name).toBe('main');
    expect(doc.errors).toEqual([]);
    expect(doc.flows.map((flow) => flow.name).sort()).toEqual(['etl-flow', 'hello-flow', 'nightly-report', 'table-sync']);
    for (const flow of doc.flows) expect(flow.idempotency_key).toMatch(/^[0-9a-f]{64}$/);
  }, TIMEOUT);

  it('parses on a worker thread from the installed package (16 flow files or more), with the same keys', () => {
    const repo = exampleRepo();
    const inspect = (): { stdout: string; stderr: string } => {
      const result = spawnSync('npx', ['prefect-git', '-C', repo, '--json', '--debug', 'inspect'], { cwd: project, env: childEnv(), encoding: 'utf8', timeout: TIMEOUT });
      expect(result.status, result.stderr).toBe(0);
      return { stdout: result.stdout, stderr: result.stderr };
    };
    const keys = (stdout: string): string[] => (JSON.parse(stdout) as { flows: Array<{ idempotency_key: string }> }).flows.map((flow) => flow.idempotency_key);
    const few = inspect();
    expect(few.stderr).toContain('static loader: parsing in the main thread');
    // The same flows again, in 20 more files: enough for the worker.
    const hello = readFileSync(join(repo, 'my_flows/hello_flow.py'), 'utf8');
    mkdirSync(join(repo, 'my_flows/copies'));
    for (let i = 0; i < 20; i++) writeFileSync(join(repo, `my_flows/copies/copy_${i}.py`), hello.replace('Flow("hello-flow")', `Flow("hello-${i}")`));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'more flows');
    const many = inspect();
    expect(many.stderr).toContain('static loader: parsing on a worker thread');
    // The installed package's worker file is there and did the parsing: 4 example files + 20 copies.
    expect(many.stderr).toContain('static loader: 24 file(s) parsed on the worker thread\n');
    expect(keys(many.stdout)).toEqual(expect.arrayContaining(keys(few.stdout)));
    expect(keys(many.stdout)).toHaveLength(keys(few.stdout).length + 20);
  }, TIMEOUT);

  it('works as a library from the installed package', () => {
    const script = "import { idempotencyKey, register, resolveRef, pyFloat } from 'prefect-git'; console.log(typeof register, typeof resolveRef, idempotencyKey({ a: pyFloat(1) }))";
    const [registerType, resolveType, key] = run('node', ['--input-type=module', '-e', script], project).trim().split(' ');
    expect([registerType, resolveType]).toEqual(['function', 'function']);
    // sha256 of Python's json.dumps({"a": 1.0}, sort_keys=True).
    expect(key).toBe('742609b207f0900a8e2dff3ae83ac47941af5c29bb6ebfb297f4ca7dd63d8354');
  }, TIMEOUT);
});

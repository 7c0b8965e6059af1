/**
 * The python loader against the machine's python3 and a STAND-IN `prefect` package (not Prefect:
 * it mimics only what the helper calls). Whether the helper matches real Prefect 1.4.1 is checked
 * from outside against the golden flows.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { loadFlowsPython, type LoadFlowsPythonOptions } from '../../src/flows/python/index.js';
import { PyFloat } from '../../src/prefect/py-value.js';
import { pyjsonDumps } from '../../src/prefect/pyjson.js';
import { envWith, isAlive, PYTHON3, REPO, STAND_IN, STORAGE, waitUntil } from './helpers.js';

function load(files: string[], extra: Partial<LoadFlowsPythonOptions> = {}) {
  return loadFlowsPython({ repoRoot: REPO, files, python: PYTHON3, env: envWith(STAND_IN), storage: STORAGE, ...extra });
}

/** Python's `json.dumps(flow.serialize(build=False), sort_keys=True)` for flows/unicode.py. */
const UNICODE_TEXT =
  String.raw`{"__version__": "1.4.1", "defaults": {"big": 1e+16, "count": 3, "greeting": "Gr\u00fc\u00dfe \ud83d\udc4b", ` +
  String.raw`"ratio": 0.25, "threshold": 1.0, "tiny": 1e-07, "tricky": "quote\" back\\ tab\t del\u007f ls\u2028 slash/"}, ` +
  String.raw`"edges": [], "name": "unicode-flow", "parameters": [], "reference_tasks": [], "run_config": {"__version__": "1.4.1", ` +
  String.raw`"env": null, "labels": [], "type": "UniversalRun"}, "schedule": null, "storage": {"__version__": "1.4.1", ` +
  String.raw`"branch_name": "main", "clone_depth": 1, "commit": null, "flow_name": "unicode-flow", "flow_path": "flows/unicode.py", ` +
  String.raw`"flows": {"unicode-flow": "flows/unicode.py"}, "format_access_token": true, "git_clone_url_secret_name": null, ` +
  String.raw`"git_token_secret_name": "GITHUB_ACCESS_TOKEN", "git_token_username": "acme", "repo": "acme/data-flows", ` +
  String.raw`"repo_host": "github.com", "secrets": [], "tag": null, "type": "Git", "use_ssh": false}, "tasks": [], ` +
  String.raw`"type": "prefect.core.flow.Flow"}`;

describe('loadFlowsPython (stand-in prefect, real python3)', () => {
  it('loads several files and several flows per file in one stable order', async () => {
    const files = ['flows/multi.py', 'flows/unicode.py', 'flows/sibling.py', 'flows/no_flows.py'];
    const result = await load(files);
    expect(result.errors).toEqual([]);
    expect(result.flows.map((f) => [f.flowPath, f.name, f.line, f.loader])).toEqual([
      ['flows/multi.py', 'first-flow', 15, 'python'],
      ['flows/multi.py', 'second-flow', 18, 'python'],
      ['flows/unicode.py', 'unicode-flow', 4, 'python'],
      ['flows/sibling.py', 'sibling-flow', 4, 'python'], // imports a sibling module: folder on sys.path
    ]);
    expect(result.interpreter?.prefectVersion).toBe('1.4.1');
    const again = await load(files);
    expect(again.flows.map((f) => f.sortKeysText)).toEqual(result.flows.map((f) => f.sortKeysText));
    const reversed = await load([...files].reverse());
    expect(reversed.flows.map((f) => f.name)).toEqual(['sibling-flow', 'unicode-flow', 'first-flow', 'second-flow']);
  });

  it("keeps Python's exact text: floats, non-ASCII, emoji and escapes; the key is its SHA-256", async () => {
    const [flow] = (await load(['flows/unicode.py'])).flows;
    expect(flow?.sortKeysText).toBe(UNICODE_TEXT);
    expect(flow?.idempotencyKey).toBe(createHash('sha256').update(UNICODE_TEXT, 'utf8').digest('hex'));
    const defaults = flow?.serialized.defaults as Record<string, unknown>;
    expect(defaults.threshold).toEqual(new PyFloat(1));
    expect(defaults.count).toBe(3);
    expect(defaults.greeting).toBe('Grüße 👋');
    expect(pyjsonDumps(flow!.serialized, { sortKeys: true })).toBe(UNICODE_TEXT);
  });

  it('does what prefect register does: context, run name, sys.path, run_config, labels, Git storage', async () => {
    const [flow] = (await load(['flows/context_flow.py'], { labels: ['alpha'] })).flows;
    expect(flow?.serialized.seen).toEqual({
      run_name: '<flow>',
      loading_flow: true,
      script: 'flows/context_flow.py',
      script_is_absolute: true,
      sys_path_0: 'flows',
    });
    expect(flow?.serialized.run_config).toMatchObject({ labels: ['alpha', 'zeta'], type: 'UniversalRun' });
    // The file's own Git(...) is replaced by the one prefect-git built (Prefect fills the owner).
    expect(flow?.serialized.storage).toMatchObject({
      flow_path: 'flows/context_flow.py',
      flow_name: 'context-flow',
      flows: { 'context-flow': 'flows/context_flow.py' },
      repo: 'acme/data-flows',
      git_token_username: 'acme',
      branch_name: 'main',
      type: 'Git',
    });
  });

  it('keeps the protocol clean whatever the flow file prints (print, fd 1, child processes)', async () => {
    let output = '';
    const result = await load(['flows/multi.py'], { onStderr: (text) => (output += text) });
    expect(result.errors).toEqual([]);
    expect(result.flows.map((f) => f.name)).toEqual(['first-flow', 'second-flow']);
    expect(output).toContain('hello from a flow file');
    expect(output).toContain('{"event": "done"}'); // the raw write to fd 1
    expect(output).toContain('a child process prints too');
    expect(output).toContain('flow.register() ignored while loading');
  });

  it('reports a failing file with its exception and line, and goes on with the others', async () => {
    const result = await load(['flows/broken.py', 'flows/unicode.py']);
    expect(result.flows.map((f) => f.name)).toEqual(['unicode-flow']);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({ code: 'E_FLOW_LOAD', file: 'flows/broken.py', line: 6, exceptionType: 'ZeroDivisionError' });
    expect(error?.message).toBe('loading the file failed: ZeroDivisionError: division by zero');
    expect(error?.traceback).toBeUndefined();
    const debug = await load(['flows/broken.py'], { debug: true });
    expect(debug.errors[0]?.traceback).toMatch(/Traceback \(most recent call last\)[\s\S]*broken\.py", line 10[\s\S]*line 6/);
    expect(debug.errors[0]?.message).toContain('Traceback');
  });

  it('names the missing module and says where to install it', async () => {
    const { errors, flows } = await load(['flows/missing_dep.py']);
    expect(flows).toEqual([]);
    expect(errors[0]).toMatchObject({ file: 'flows/missing_dep.py', line: 4, module: 'pandas_stand_in_not_installed' });
    expect(errors[0]?.message).toContain("No module named 'pandas_stand_in_not_installed'");
    expect(errors[0]?.hint).toContain(`'pandas_stand_in_not_installed') into ${PYTHON3}`);
    expect(errors[0]?.hint).toContain('static loader');
  });

  it('reports syntax errors (E_PARSE), sys.exit() and name conflicts per file', async () => {
    const { errors, flows } = await load(['flows/syntax_error.py', 'flows/exits.py', 'flows/bound_twice.py', 'flows/sibling.py']);
    expect(errors.map((e) => [e.file, e.code, e.line, e.exceptionType])).toEqual([
      ['flows/syntax_error.py', 'E_PARSE', 3, 'SyntaxError'],
      ['flows/exits.py', 'E_FLOW_LOAD', 4, 'SystemExit'],
      ['flows/bound_twice.py', 'E_FLOW_LOAD', 3, 'ValueError'],
    ]);
    expect(errors[2]?.flow).toBe('twice');
    expect(flows.map((f) => f.name)).toEqual(['twice', 'sibling-flow']);
  });

  it('prepares only the flows named', async () => {
    const { flows } = await load(['flows/multi.py', 'flows/unicode.py'], { names: ['second-flow'] });
    expect(flows.map((f) => f.name)).toEqual(['second-flow']);
  });

  it('kills the whole process tree on timeout and names the file that was loading', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'prefect-git-py-')), 'pids');
    const started = Date.now();
    const error = await load(['flows/unicode.py', 'flows/slow.py', 'flows/sibling.py'], {
      timeoutMs: 2000,
      env: envWith(STAND_IN, { PREFECT_GIT_TEST_PID_FILE: pidFile }),
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(PrefectGitError);
    expect((error as PrefectGitError).code).toBe('E_PYTHON');
    expect((error as PrefectGitError).message).toMatch(/timed out after 2 s while loading flows\/slow\.py/);
    expect((error as PrefectGitError).details).toMatchObject({ reason: 'timeout', file: 'flows/slow.py' });
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await waitUntil(() => !isAlive(pid), 3000)).toBe(true);
  });

  it('names the file when it ends the Python process itself', async () => {
    const error = await load(['flows/unicode.py', 'flows/hard_exit.py']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrefectGitError);
    expect(error).toMatchObject({ code: 'E_PYTHON', details: { reason: 'exited', file: 'flows/hard_exit.py', exitCode: 5 } });
    expect((error as PrefectGitError).message).toBe(`Python (${PYTHON3}) ended while loading flows/hard_exit.py (exit 5): about to leave`);
  });

  it('runs no Python at all for an empty file list', async () => {
    const result = await loadFlowsPython({ repoRoot: REPO, files: [], python: '/nonexistent/python', env: {}, storage: STORAGE });
    expect(result).toEqual({ flows: [], errors: [], interpreter: undefined });
  });
});

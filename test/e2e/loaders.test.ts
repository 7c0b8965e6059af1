/**
 * Loader selection through the CLI. The python loader runs the machine's python3 with the
 * STAND-IN `prefect` package of test/fixtures/python (not real Prefect: it mimics only what the
 * helper calls), which is enough to see which loader read each flow.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupRepos, writeFile } from '../git/helpers.js';
import { goldenFlows, goldenFlowsRepo, goldenKey } from './flows-repo.js';
import { runCli } from './run-cli.js';

afterEach(cleanupRepos);

const STAND_IN = fileURLToPath(new URL('../fixtures/python/stand-in/', import.meta.url));
const DYNAMIC = 'import os\nfrom prefect import Flow\n\nflow = Flow("dynamic-" + os.environ.get("STAGE", "dev"))\n';

interface InspectJson {
  flows: Array<{ name: string; loader: string; flow_path: string }>;
  errors: Array<{ code: string; file: string; line: number; hint: string }>;
}

function mixedRepo(): ReturnType<typeof goldenFlowsRepo> {
  const repo = goldenFlowsRepo(['my_flows']);
  writeFile(repo.dir, 'dynamic/env_flow.py', DYNAMIC);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'a dynamic flow');
  return repo;
}

describe('--loader', () => {
  it('auto reads static flows statically and hands refused ones to the python loader', async () => {
    const repo = mixedRepo();
    const run = await runCli(['inspect', '--json', '--python', 'python3', '--token-secret', 'GITHUB_ACCESS_TOKEN'], {
      cwd: repo.dir,
      env: { PYTHONPATH: STAND_IN },
    });
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json<InspectJson>();
    expect(doc.flows.map((f) => [f.name, f.loader, f.flow_path])).toEqual([
      ['dynamic-dev', 'python', 'dynamic/env_flow.py'],
      ['hello-flow', 'static', 'my_flows/hello_flow.py'],
    ]);
    expect(doc.errors).toEqual([]);
    expect(run.stderr).toMatch(/dynamic-dev .*python/);
  });

  it('static refuses the dynamic flow with file:line, exit 6, and still lists the other flow', async () => {
    const repo = mixedRepo();
    const run = await runCli(['inspect', '--json', '--loader', 'static'], { cwd: repo.dir });
    expect(run.code).toBe(6);
    const doc = run.json<InspectJson>();
    expect(doc.flows.map((f) => f.name)).toEqual(['hello-flow']);
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]).toMatchObject({ code: 'E_UNSUPPORTED', file: 'dynamic/env_flow.py', line: 4 });
    expect(doc.errors[0]?.hint).toContain('--loader python');
  });

  it('auto without a usable interpreter keeps the refusal and says why', async () => {
    const repo = mixedRepo();
    const run = await runCli(['inspect', '--json', '--python', 'no-such-python-here'], { cwd: repo.dir });
    expect(run.code).toBe(6);
    const doc = run.json<InspectJson>();
    expect(doc.flows.map((f) => f.name)).toEqual(['hello-flow']);
    expect(doc.errors[0]?.hint).toContain('python loader is not available');
  });

  it('python reads the committed file, not the working-tree edit', async () => {
    const repo = mixedRepo();
    writeFile(repo.dir, 'dynamic/env_flow.py', DYNAMIC.replace('dynamic-', 'edited-'));
    const run = await runCli(['inspect', '--json', '--loader', 'python', '--python', 'python3', 'dynamic'], {
      cwd: repo.dir,
      env: { PYTHONPATH: STAND_IN },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<InspectJson>().flows.map((f) => f.name)).toEqual(['dynamic-dev']);
    expect(run.stderr).toContain('uncommitted changes in dynamic/env_flow.py');
  });
});

describe('parsing on a worker thread', () => {
  it('reads every golden flow file on the worker (16 files or more) and gives the golden keys', async () => {
    const repo = goldenFlowsRepo();
    const run = await runCli(['--debug', 'inspect', '--json', '--loader', 'static', '--token-secret', 'GITHUB_ACCESS_TOKEN'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('static loader: parsing on a worker thread');
    // Every file's tree came from the worker (a worker that failed would leave the main thread to parse).
    const files = repo.git('ls-files', '*.py').trim().split('\n').length;
    expect(files).toBeGreaterThanOrEqual(16);
    expect(run.stderr).toContain(`static loader: ${files} file(s) parsed on the worker thread\n`);
    const doc = run.json<{ flows: Array<{ name: string; idempotency_key: string }> }>();
    const expected = new Map(goldenFlows().map(({ file, flow }) => [flow, goldenKey(file, flow)]));
    expect(doc.flows.map((f) => f.name).sort()).toEqual([...expected.keys()].sort());
    for (const flow of doc.flows) expect(flow.idempotency_key, flow.name).toBe(expected.get(flow.name));
  });

  it('parses a few files in the main thread', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const run = await runCli(['--debug', 'inspect', '--loader', 'static'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('static loader: parsing in the main thread');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { pyjsonDumps } from '../../src/prefect/pyjson.js';
import type { FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos } from '../git/helpers.js';
import { goldenFlow, goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  cleanupRepos();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof startFakeServer>[0] = {}): Promise<FakeServer> {
  const started = await startFakeServer(options);
  servers.push(started);
  return started;
}

interface RegisterJson {
  project: { name: string; id: string };
  flows: Array<{ name: string; flow_path: string; status: string; version: number | null; url: string | null; idempotency_key: string; error: unknown }>;
  summary: { registered: number; skipped: number; failed: number };
}

const BASE = ['register', '--json', '--project', 'data-flows', '--token-secret', 'GITHUB_ACCESS_TOKEN'];
const env = (fake: FakeServer): Record<string, string> => ({ PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url });
const creates = (fake: FakeServer): number => fake.mutations().filter((m) => m.operationName?.includes('CreateFlow')).length;

describe('prefect-git register against the fake Prefect Server', () => {
  it('registers every golden flow as version 1 with the exact golden payload, then skips them all', async () => {
    const repo = goldenFlowsRepo();
    const fake = await server();
    const first = await runCli([...BASE, '--create-project'], { cwd: repo.dir, env: env(fake) });
    expect(first.code, first.stderr).toBe(0);
    const doc = first.json<RegisterJson>();
    expect(doc.summary).toEqual({ registered: 21, skipped: 0, failed: 0 });
    expect(doc.flows.every((flow) => flow.version === 1 && flow.status === 'registered')).toBe(true);
    expect(doc.flows[0]?.url).toMatch(/^http:\/\/localhost:8080\/default\/flow\/[0-9a-f-]{36}$/);
    // What the server received is byte-for-byte the golden serialization.
    const hello = fake.state.flows.find((flow) => flow.name === 'hello-flow');
    expect(pyjsonDumps(hello!.serialized_flow, { sortKeys: true })).toBe(pyjsonDumps(goldenFlow('my_flows/hello_flow', 'hello-flow'), { sortKeys: true }));
    const params = fake.state.flows.find((flow) => flow.name === 'parameters');
    expect(pyjsonDumps(params!.serialized_flow, { sortKeys: true })).toBe(pyjsonDumps(goldenFlow('params/parameters', 'parameters'), { sortKeys: true }));

    const before = creates(fake);
    const second = await runCli(BASE, { cwd: repo.dir, env: env(fake) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json<RegisterJson>().summary).toEqual({ registered: 0, skipped: 21, failed: 0 });
    expect(creates(fake)).toBe(before);
  });

  it('registers only the changed flow as version 2', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const fake = await server();
    expect((await runCli([...BASE, '--create-project'], { cwd: repo.dir, env: env(fake) })).code).toBe(0);
    repo.commit('rename the parameter default', {
      'my_flows/hello_flow.py': 'from prefect import Flow, Parameter, task\n\n\n@task\ndef say_hello(name):\n    print(name)\n\n\nwith Flow("hello-flow") as flow:\n    name = Parameter("name", default="prefect")\n    say_hello(name)\n',
    });
    repo.git('push', '-q', 'origin', 'main');
    const run = await runCli(BASE, { cwd: repo.dir, env: env(fake) });
    expect(run.code, run.stderr).toBe(0);
    const flows = run.json<RegisterJson>().flows;
    expect(flows.find((f) => f.name === 'hello-flow')).toMatchObject({ status: 'registered', version: 2 });
    expect(flows.find((f) => f.name === 'etl-pipeline')).toMatchObject({ status: 'skipped', version: 1 });
  });

  it('--force makes new versions, --no-schedule turns schedules off, --dry-run sends no mutation', async () => {
    const repo = goldenFlowsRepo(['schedules']);
    const fake = await server();
    const dry = await runCli([...BASE, '--create-project', '--dry-run'], { cwd: repo.dir, env: env(fake) });
    expect(dry.code, dry.stderr).toBe(0);
    expect(fake.mutations()).toHaveLength(0);
    expect(dry.json<{ plan: Array<{ action: string }> }>().plan.map((item) => item.action)).toEqual(['would-register', 'would-register']);

    expect((await runCli([...BASE, '--create-project', '--no-schedule'], { cwd: repo.dir, env: env(fake) })).code).toBe(0);
    expect(fake.state.flows.map((flow) => flow.is_schedule_active)).toEqual([false, false]);

    const forced = await runCli([...BASE, '--force'], { cwd: repo.dir, env: env(fake) });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json<RegisterJson>().flows.map((f) => f.version)).toEqual([2, 2]);
  });

  it('exits 4 with a hint when the project is missing, and creates it with --create-project', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const missing = await runCli(BASE, { cwd: repo.dir, env: env(fake) });
    expect(missing.code).toBe(4);
    expect(missing.json<{ error: { code: string; hint: string } }>().error).toMatchObject({ code: 'E_PROJECT_NOT_FOUND' });
    expect(missing.json<{ error: { hint: string } }>().error.hint).toContain('--create-project');
    const created = await runCli([...BASE, '--create-project'], { cwd: repo.dir, env: env(fake) });
    expect(created.code).toBe(0);
    expect(fake.state.projects.map((p) => p.name)).toEqual(['data-flows']);
  });

  it('keeps registering the others when one flow fails, and exits 5', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl', 'basics']);
    const fake = await server({ rejectFlow: (flow) => ((flow as { name?: string }).name === 'etl-pipeline' ? 'rejected for the test' : undefined) });
    const run = await runCli([...BASE, '--create-project'], { cwd: repo.dir, env: env(fake) });
    expect(run.code).toBe(5);
    const doc = run.json<RegisterJson>();
    expect(doc.summary).toEqual({ registered: 3, skipped: 0, failed: 1 });
    expect(doc.flows.find((f) => f.name === 'etl-pipeline')?.status).toBe('failed');
    expect(run.stderr).toContain('rejected for the test');
  });

  it('exits 4 with a clear message when the server is down', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const run = await runCli([...BASE, '--create-project'], {
      cwd: repo.dir,
      env: { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: 'http://127.0.0.1:9' },
    });
    expect(run.code).toBe(4);
    expect(run.json<{ error: { code: string } }>().error.code).toBe('E_API_UNREACHABLE');
  }, 60_000);

  it('refuses to register an unpushed commit (runs would clone other code)', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    repo.commit('local only');
    const fake = await server();
    const run = await runCli([...BASE, '--create-project'], { cwd: repo.dir, env: env(fake) });
    expect(run.code).toBe(3);
    expect(run.json<{ error: { code: string } }>().error.code).toBe('E_PREFLIGHT_UNPUSHED');
    expect(fake.mutations()).toHaveLength(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/register/apply.js';
import { planRegistration } from '../../src/register/plan.js';
import type { FlowToRegister, RegisterEvent } from '../../src/register/types.js';
import { type FakeServer, type FakeServerOptions, addProject, startFakeServer } from '../support/fake-server/index.js';
import { apiFor, makeFlow } from './helpers.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeServerOptions = {}): Promise<FakeServer> {
  server = await startFakeServer(options);
  addProject(server.state, 'data');
  return server;
}

const flows = (n: number): FlowToRegister[] => Array.from({ length: n }, (_, i) => makeFlow(`flow-${i}`));

describe('apply under faults', () => {
  it('retries transient create failures without duplicating versions', async () => {
    // Every flow's first create gets a 503, the second is dropped AFTER the server processed it.
    const attempts = new Map<string, number>();
    const s = await start({
      faults: (req) => {
        if (req.operationName !== 'PrefectGitCreateFlow') return undefined;
        const key = String((req.variables.input as { idempotency_key?: string }).idempotency_key);
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        return n === 1 ? '503' : n === 2 ? 'drop-after' : undefined;
      },
    });
    const { api } = apiFor(s);
    const list = flows(3);
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows: list, force: false });
    const result = await applyPlan({ api, plan, flows: list, setScheduleActive: true });
    expect(result.summary).toEqual({ registered: 3, skipped: 0, failed: 0 });
    // The third attempt hit the idempotency key and got the version the dropped attempt created.
    expect(s.state.flows.map((f) => f.version)).toEqual([1, 1, 1]);
    expect(result.flows.map((f) => f.version)).toEqual([1, 1, 1]);
    expect(s.mutations()).toHaveLength(9);
  });

  it('keeps at most `concurrency` registrations in flight', async () => {
    const s = await start({ latencyMs: 15 });
    const { api } = apiFor(s);
    const list = flows(10);
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows: list, force: false });
    let inFlight = 0;
    let peak = 0;
    const onEvent = (e: RegisterEvent): void => {
      if (e.type === 'flow-start') peak = Math.max(peak, ++inFlight);
      if (e.type === 'flow-sent') inFlight--;
    };
    const result = await applyPlan({ api, plan, flows: list, setScheduleActive: true, concurrency: 3, onEvent });
    expect(result.summary.registered).toBe(10);
    expect(peak).toBe(3);
  });

  it('when the server goes away mid-run, every unsent flow fails fast with E_API_UNREACHABLE', async () => {
    const s = await start({ faults: (req) => (req.operationName === 'PrefectGitCreateFlow' ? 'drop' : undefined) });
    const { api } = apiFor(s, { retries: 1 });
    const list = flows(8);
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows: list, force: false });
    const result = await applyPlan({ api, plan, flows: list, setScheduleActive: true, concurrency: 2 });
    expect(result.summary).toEqual({ registered: 0, skipped: 0, failed: 8 });
    expect(result.flows.every((f) => f.error?.code === 'E_API_UNREACHABLE')).toBe(true);
    // Two in flight when the first failure showed; the rest were not sent at all.
    expect(s.mutations()).toHaveLength(4);
    expect(result.flows.filter((f) => f.error?.message.startsWith('not sent:'))).toHaveLength(6);
  });

  it('a failed read-back still reports the registrations, with a warning', async () => {
    const s = await start({ faults: (req) => (req.operationName === 'PrefectGitFlowsByIds' ? '500' : undefined) });
    const { api } = apiFor(s, { retries: 0 });
    const list = flows(2);
    const events: RegisterEvent[] = [];
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows: list, force: false });
    const result = await applyPlan({ api, plan, flows: list, setScheduleActive: true, onEvent: (e) => events.push(e) });
    expect(result.flows.map((f) => [f.status, f.version, f.url])).toEqual([
      ['registered', 1, null],
      ['registered', 1, null],
    ]);
    expect(events.some((e) => e.type === 'warning')).toBe(true);
  });
});

describe('Cloud', () => {
  it('registers with a Bearer key; the UI URL follows the UI base', async () => {
    const s = await startFakeServer({ backend: 'cloud', apiKey: 'pnu_good', tenantSlug: 'acme' });
    server = s;
    addProject(s.state, 'data');
    const { api } = apiFor(s, { backend: 'cloud', apiKey: 'pnu_good' });
    const list = flows(2);
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows: list, force: false });
    const result = await applyPlan({ api, plan, flows: list, setScheduleActive: true, uiUrl: 'https://cloud.prefect.io' });
    expect(result.summary.registered).toBe(2);
    expect(result.flows[0]!.url).toBe(`https://cloud.prefect.io/acme/flow/${result.flows[0]!.flowGroupId!}`);
    expect(s.requests.every((r) => r.headers.authorization === 'Bearer pnu_good')).toBe(true);
  });

  it('creates a missing project in the API key tenant (auth_info)', async () => {
    const s = await startFakeServer({ backend: 'cloud', apiKey: 'pnu_good' });
    server = s;
    const { api } = apiFor(s, { backend: 'cloud', apiKey: 'pnu_good' });
    const plan = await planRegistration({ api, projectName: 'fresh', createProject: true, flows: flows(1), force: false });
    const result = await applyPlan({ api, plan, flows: flows(1), setScheduleActive: true });
    expect(result.project.created).toBe(true);
    expect(s.state.projects[0]!.tenant_id).toBe(s.state.tenants[0]!.id);
  });

  it('a wrong key is E_API_AUTH, not retried', async () => {
    const s = await startFakeServer({ backend: 'cloud', apiKey: 'pnu_good' });
    server = s;
    const { api, log } = apiFor(s, { backend: 'cloud', apiKey: 'pnu_bad' });
    const error = await planRegistration({ api, projectName: 'data', createProject: false, flows: flows(1), force: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_API_AUTH' });
    expect(log).toHaveLength(1);
  });
});

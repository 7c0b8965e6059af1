import { afterEach, describe, expect, it } from 'vitest';
import type { PrefectApi } from '../../src/api/types.js';
import { PrefectGitError } from '../../src/errors.js';
import { applyPlan } from '../../src/register/apply.js';
import { planRegistration } from '../../src/register/plan.js';
import type { FlowToRegister, RegisterEvent } from '../../src/register/types.js';
import { type FakeServer, type FakeServerOptions, addProject, startFakeServer } from '../support/fake-server/index.js';
import { apiFor, intervalSchedule, makeFlow } from './helpers.js';

let server: FakeServer | undefined;

async function start(options: FakeServerOptions = {}, project: string | null = 'data'): Promise<FakeServer> {
  server = await startFakeServer(options);
  if (project !== null) addProject(server.state, project);
  return server;
}

afterEach(async () => {
  // close() rejects if any request failed schema validation.
  await server?.close();
  server = undefined;
});

async function register(api: PrefectApi, flows: FlowToRegister[], options: { force?: boolean; setScheduleActive?: boolean; createProject?: boolean; events?: RegisterEvent[] } = {}) {
  const force = options.force ?? false;
  const plan = await planRegistration({ api, projectName: 'data', createProject: options.createProject ?? false, flows, force });
  const result = await applyPlan({
    api,
    plan,
    flows,
    force,
    setScheduleActive: options.setScheduleActive ?? true,
    onEvent: (e) => options.events?.push(e),
  });
  return { plan, result };
}

const three = (): FlowToRegister[] => [makeFlow('alpha'), makeFlow('beta'), makeFlow('gamma')];

describe('register against the fake Prefect Server', () => {
  it('first run registers every flow as version 1 with a UI URL', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const { plan, result } = await register(api, three());
    expect(plan.items.map((i) => i.action)).toEqual(['new', 'new', 'new']);
    expect(result.summary).toEqual({ registered: 3, skipped: 0, failed: 0 });
    for (const flow of result.flows) {
      const row = s.state.flows.find((f) => f.id === flow.flowId)!;
      expect(flow).toMatchObject({ status: 'registered', version: 1, flowGroupId: row.flow_group_id });
      expect(flow.url).toBe(`http://localhost:8080/default/flow/${row.flow_group_id}`);
    }
    // project+tenants, batched versions, 3 creates, one read-back.
    expect(s.requests.map((r) => r.operationName)).toEqual([
      'PrefectGitFindProject',
      'PrefectGitLatestFlowVersions',
      'PrefectGitCreateFlow',
      'PrefectGitCreateFlow',
      'PrefectGitCreateFlow',
      'PrefectGitFlowsByIds',
    ]);
    const sent = s.mutations()[0]!.variables.input as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual(['idempotency_key', 'project_id', 'serialized_flow', 'set_schedule_active']);
  });

  it('second run plans everything unchanged, sends no mutation and reports skipped', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const first = await register(api, three());
    const before = s.requests.length;
    const { plan, result } = await register(api, three());
    expect(plan.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(plan.items[0]!.reason).toBe('metadata matches version 1');
    expect(result.summary).toEqual({ registered: 0, skipped: 3, failed: 0 });
    expect(result.flows.map((f) => f.flowId)).toEqual(first.result.flows.map((f) => f.flowId));
    expect(result.flows.every((f) => f.version === 1 && f.url !== null)).toBe(true);
    const second = s.requests.slice(before);
    expect(second.filter((r) => r.kind === 'mutation')).toEqual([]);
    expect(second).toHaveLength(2);
    expect(s.state.flows).toHaveLength(3);
  });

  it('plans any number of flows with at most two requests and no mutation (dry run)', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const flows = Array.from({ length: 40 }, (_, i) => makeFlow(`flow-${String(i).padStart(2, '0')}`));
    await register(api, flows.slice(0, 10));
    const before = s.requests.length;
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows, force: false });
    expect(s.requests.length - before).toBe(2);
    expect(s.requests.slice(before).every((r) => r.kind === 'query')).toBe(true);
    expect(plan.items.filter((i) => i.action === 'unchanged')).toHaveLength(10);
    expect(plan.items.filter((i) => i.action === 'new')).toHaveLength(30);
  });

  it('one changed flow gets version 2; the others are untouched', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const first = await register(api, three());
    const flows = [makeFlow('alpha'), makeFlow('beta', { label: 'gpu' }), makeFlow('gamma')];
    const before = s.requests.length;
    const { plan, result } = await register(api, flows);
    expect(plan.items.map((i) => i.action)).toEqual(['unchanged', 'changed', 'unchanged']);
    expect(plan.items[1]!.reason).toBe('metadata differs from version 1');
    expect(result.flows.map((f) => [f.name, f.status, f.version])).toEqual([
      ['alpha', 'skipped', 1],
      ['beta', 'registered', 2],
      ['gamma', 'skipped', 1],
    ]);
    expect(s.requests.slice(before).filter((r) => r.kind === 'mutation')).toHaveLength(1);
    // Same flow group (same URL), previous version archived.
    expect(result.flows[1]!.flowGroupId).toBe(first.result.flows[1]!.flowGroupId);
    const betas = s.state.flows.filter((f) => f.name === 'beta').map((f) => [f.version, f.archived]);
    expect(betas).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('--force makes new versions without a key, and the next normal run makes one more', async () => {
    const s = await start();
    const { api } = apiFor(s);
    await register(api, three());
    const before = s.requests.length;
    const forced = await register(api, three(), { force: true });
    expect(forced.plan.items.map((i) => i.action)).toEqual(['changed', 'changed', 'changed']);
    expect(forced.result.flows.map((f) => [f.status, f.version])).toEqual([
      ['registered', 2],
      ['registered', 2],
      ['registered', 2],
    ]);
    const creates = s.requests.slice(before).filter((r) => r.kind === 'mutation');
    expect(creates).toHaveLength(3);
    expect(creates.every((r) => !('idempotency_key' in (r.variables.input as object)))).toBe(true);
    expect(s.state.flowGroups.every((g) => g.settings.idempotency_key === null)).toBe(true);

    // The server cleared the key, so an unforced run cannot be idempotent: the plan says so.
    const after = await register(api, three());
    expect(after.plan.items[0]!.action).toBe('changed');
    expect(after.plan.items[0]!.reason).toMatch(/registered with --force/);
    expect(after.result.flows.map((f) => f.version)).toEqual([3, 3, 3]);
  });

  it('passes --no-schedule as set_schedule_active false', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const scheduled = (name: string): FlowToRegister => makeFlow(name, { schedule: intervalSchedule() });
    await register(api, [scheduled('off')], { setScheduleActive: false });
    await register(api, [scheduled('on')], { setScheduleActive: true });
    const inputs = s.mutations().map((r) => (r.variables.input as { set_schedule_active: boolean }).set_schedule_active);
    expect(inputs).toEqual([false, true]);
    expect(s.state.flows.map((f) => [f.name, f.is_schedule_active])).toEqual([
      ['off', false],
      ['on', true],
    ]);
  });

  it('registers a flow whose schedule needs a required parameter, with the schedule left off (as Server does)', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const parameter = { __version__: '1.4.1', default: null, name: 'day', outputs: 'typing.Any', required: true, slug: 'day', tags: [], type: 'prefect.core.parameter.Parameter' };
    const flow = makeFlow('needs-day', { schedule: intervalSchedule(), parameters: [parameter] });
    const { result } = await register(api, [flow]);
    expect(result.flows[0]!.status).toBe('registered');
    expect(s.state.flows[0]!.is_schedule_active).toBe(false);
    expect(s.state.logs.join('\n')).toContain('Can not schedule a flow that has required parameters.');
  });

  it('a missing project is an error unless --create-project, which creates it in apply', async () => {
    const s = await start({}, null);
    const { api } = apiFor(s);
    const error = await planRegistration({ api, projectName: 'data', createProject: false, flows: three(), force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrefectGitError);
    expect(error).toMatchObject({ code: 'E_PROJECT_NOT_FOUND' });
    expect((error as PrefectGitError).hint).toContain('--create-project');

    const events: RegisterEvent[] = [];
    const { plan, result } = await register(api, three(), { createProject: true, events });
    expect(plan.project).toMatchObject({ name: 'data', id: null, willCreate: true });
    expect(s.state.projects.map((p) => [p.name, p.tenant_id])).toEqual([['data', s.state.tenants[0]!.id]]);
    expect(result.project).toEqual({ name: 'data', id: s.state.projects[0]!.id, created: true });
    expect(result.summary.registered).toBe(3);
    expect(events[0]).toEqual({ type: 'project-created', name: 'data', id: s.state.projects[0]!.id });
    expect(s.mutations().map((r) => r.operationName)[0]).toBe('PrefectGitCreateProject');
  });

  it('a flow the server rejects fails alone; the others are registered', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const flows = [makeFlow('alpha'), makeFlow('broken', { breakSlug: true }), makeFlow('gamma')];
    const { result } = await register(api, flows);
    expect(result.summary).toEqual({ registered: 2, skipped: 0, failed: 1 });
    const broken = result.flows[1]!;
    expect(broken).toMatchObject({ name: 'broken', status: 'failed', flowId: null, url: null, error: { code: 'E_API_GRAPHQL' } });
    expect(broken.error?.message).toContain('tasks -> 0 -> slug');
    expect(s.state.flows.map((f) => f.name).sort()).toEqual(['alpha', 'gamma']);
  });

  it('refuses two flows with the same name before sending anything', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const twins = [makeFlow('alpha'), { ...makeFlow('alpha'), flowPath: 'other/alpha.py' }];
    const error = await planRegistration({ api, projectName: 'data', createProject: false, flows: twins, force: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_USAGE' });
    expect((error as Error).message).toContain('other/alpha.py');
    expect(s.requests).toHaveLength(0);
  });

  it('a Server without tenants cannot get a project: apply fails before any flow', async () => {
    const s = await start({}, null);
    s.state.tenants.length = 0;
    const { api } = apiFor(s);
    const plan = await planRegistration({ api, projectName: 'data', createProject: true, flows: three(), force: false });
    const error = await applyPlan({ api, plan, flows: three(), setScheduleActive: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_API', hint: expect.stringContaining('create-tenant') as string });
    expect(s.mutations()).toHaveLength(0);
  });

  it('an unreachable server is E_API_UNREACHABLE at planning', async () => {
    const s = await start();
    const { api, log } = apiFor(s, { retries: 2 });
    await s.close();
    server = undefined;
    const error = await planRegistration({ api, projectName: 'data', createProject: false, flows: three(), force: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_API_UNREACHABLE' });
    expect((error as Error).message).toContain(s.url);
    expect(log).toHaveLength(3);
  });
});

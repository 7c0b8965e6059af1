import { afterEach, describe, expect, it } from 'vitest';
import type { PrefectApi } from '../../src/api/types.js';
import type { PyObject } from '../../src/prefect/py-value.js';
import { idempotencyKey } from '../../src/prefect/payload.js';
import { applyPlan } from '../../src/register/apply.js';
import { planRegistration } from '../../src/register/plan.js';
import type { FlowToRegister } from '../../src/register/types.js';
import { type FakeServer, type FakeServerOptions, addProject, startFakeServer } from '../support/fake-server/index.js';
import { apiFor, intervalSchedule, makeFlow } from './helpers.js';

let server: FakeServer | undefined;
async function start(options: FakeServerOptions = {}): Promise<FakeServer> {
  server = await startFakeServer(options);
  addProject(server.state, 'data');
  return server;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** makeFlow with its storage pointing at a branch or tag. */
function onRef(name: string, ref: { type: 'branch' | 'tag'; name: string }, options: Parameters<typeof makeFlow>[1] = {}): FlowToRegister {
  const flow = makeFlow(name, options);
  const storage = { ...(flow.serialized.storage as PyObject), branch_name: ref.type === 'branch' ? ref.name : null, tag: ref.type === 'tag' ? ref.name : null };
  const serialized = { ...flow.serialized, storage };
  return { ...flow, serialized, idempotencyKey: idempotencyKey(serialized) };
}

async function register(api: PrefectApi, flows: FlowToRegister[], ref: { type: 'branch' | 'tag'; name: string }, extra: { allowRefChange?: boolean; schedule?: boolean } = {}) {
  const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows, force: false, ref, allowRefChange: extra.allowRefChange ?? false });
  const result = await applyPlan({ api, plan, flows, setScheduleActive: extra.schedule ?? true });
  return { plan, result };
}

describe('the branch guard against the fake server', () => {
  const main = { type: 'branch' as const, name: 'main' };
  const feature = { type: 'branch' as const, name: 'feature/y' };

  it('refuses another branch per flow (E_REF_CHANGE) and registers the others', async () => {
    const s = await start();
    const { api } = apiFor(s);
    await register(api, [onRef('alpha', main)], main);
    const { plan, result } = await register(api, [onRef('alpha', feature), onRef('beta', feature)], feature);
    expect(plan.items.map((i) => i.action)).toEqual(['refused', 'new']);
    expect(result.flows.map((f) => [f.name, f.status, f.error?.code])).toEqual([
      ['alpha', 'failed', 'E_REF_CHANGE'],
      ['beta', 'registered', undefined],
    ]);
    // Nothing was sent for alpha: main's version 1 is still the live one.
    expect(s.state.flows.filter((f) => f.name === 'alpha').map((f) => [f.version, f.archived])).toEqual([[1, false]]);
  });

  it('--allow-ref-change registers anyway with a warning; a tag over a branch is a release', async () => {
    const s = await start();
    const { api } = apiFor(s);
    await register(api, [onRef('alpha', main)], main);
    const allowed = await register(api, [onRef('alpha', feature)], feature, { allowRefChange: true });
    expect(allowed.plan.items[0]?.warning).toContain('allowed by --allow-ref-change');
    expect(allowed.result.flows[0]).toMatchObject({ status: 'registered', version: 2 });
    const release = await register(api, [onRef('alpha', { type: 'tag', name: 'v1.0.0' })], { type: 'tag', name: 'v1.0.0' });
    expect(release.plan.items[0]?.action).toBe('changed');
    expect(release.result.flows[0]).toMatchObject({ status: 'registered', version: 3 });
  });

  it('sends set_schedule_active per flow when given a function (--schedule keep)', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const flows = [onRef('on', main, { schedule: intervalSchedule() }), onRef('off', main, { schedule: intervalSchedule() })];
    const plan = await planRegistration({ api, projectName: 'data', createProject: false, flows, force: false });
    await applyPlan({ api, plan, flows, setScheduleActive: (item) => item.name === 'on' });
    expect(s.state.flows.map((f) => [f.name, f.is_schedule_active])).toEqual([
      ['on', true],
      ['off', false],
    ]);
    const again = await planRegistration({ api, projectName: 'data', createProject: false, flows, force: true });
    expect(again.items.map((i) => [i.name, i.latest?.scheduleActive, i.latest?.storage?.branchName])).toEqual([
      ['on', true, 'main'],
      ['off', false, 'main'],
    ]);
  });
});

describe('branch-workflow API calls against the fake server', () => {
  it('reads registered flows with their task slugs, parameters and storage in one request', async () => {
    const s = await start();
    const { api, log } = apiFor(s);
    const param = { __version__: '1.4.1', default: 3, name: 'n', required: false, slug: 'n', type: 'prefect.core.parameter.Parameter' };
    await register(api, [onRef('alpha', { type: 'tag', name: 'v1' }, { parameters: [param] })], { type: 'tag', name: 'v1' });
    log.length = 0;
    const project = s.state.projects[0]!;
    const [flow, ...rest] = await api.registeredFlows(project.id);
    expect(rest).toEqual([]);
    expect(log.map((l) => l.operation)).toEqual(['PrefectGitRegisteredFlows']);
    expect(flow).toMatchObject({ name: 'alpha', version: 1, archived: false, taskSlugs: ['extract-1', 'load-1'], parameters: [{ name: 'n', default: 3 }] });
    expect(flow?.storage).toMatchObject({ type: 'Git', tag: 'v1', flow_path: 'flows/alpha.py' });
  });

  it('sets a flow group description, and reports success: false as E_API_GRAPHQL', async () => {
    const s = await start();
    const { api } = apiFor(s);
    const { result } = await register(api, [onRef('alpha', { type: 'tag', name: 'v1' })], { type: 'tag', name: 'v1' });
    const group = result.flows[0]!.flowGroupId!;
    await api.setFlowGroupDescription(group, 'from tag v1');
    expect(s.state.flowGroups.find((g) => g.id === group)?.description).toBe('from tag v1');
    await expect(api.setFlowGroupDescription('00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({ code: 'E_API_GRAPHQL' });
  });

  it('lists projects with their flows\' refs, and deletes a project with its flows', async () => {
    const s = await start();
    const { api } = apiFor(s);
    addProject(s.state, 'empty');
    await register(api, [onRef('alpha', { type: 'branch', name: 'feature/x' })], { type: 'branch', name: 'feature/x' });
    const projects = await api.projectsWithFlows();
    expect(projects.map((p) => [p.name, p.flows.map((f) => [f.name, f.storage?.branchName])])).toEqual([
      ['data', [['alpha', 'feature/x']]],
      ['empty', []],
    ]);
    await api.deleteProject(projects[0]!.id);
    expect(s.state.projects.map((p) => p.name)).toEqual(['empty']);
    expect(s.state.flows).toEqual([]);
    await expect(api.deleteProject(projects[0]!.id)).rejects.toMatchObject({ code: 'E_API_GRAPHQL' });
  });
});

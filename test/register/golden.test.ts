import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/register/apply.js';
import { planRegistration } from '../../src/register/plan.js';
import { type FakeServer, addProject, startFakeServer } from '../support/fake-server/index.js';
import { apiFor, goldenFlows } from './helpers.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const golden = goldenFlows();
// Two folders hold the same flow name at different refs (branch vs tag): a later "change".
const byBranch = golden.filter((g) => !g.dir.endsWith('.tag-v1.2.0'));
const tagged = golden.find((g) => g.dir.endsWith('.tag-v1.2.0'))!;

describe('golden flows (real Prefect 1.4.1 output) through plan, apply and the fake server', () => {
  it('finds the golden fixtures', () => {
    expect(byBranch.length).toBeGreaterThanOrEqual(20);
    expect(tagged.flow.name).toBe('hello-flow');
  });

  it('registers every golden flow; the server decodes exactly the golden payload under the Python key', async () => {
    server = await startFakeServer({ latencyMs: 2 });
    const project = addProject(server.state, 'golden');
    const { api } = apiFor(server);
    const flows = byBranch.map((g) => g.flow);
    const plan = await planRegistration({ api, projectName: 'golden', createProject: false, flows, force: false });
    const result = await applyPlan({ api, plan, flows, setScheduleActive: true });
    expect(result.summary).toEqual({ registered: flows.length, skipped: 0, failed: 0 });

    for (const g of byBranch) {
      const row = server.state.flows.find((f) => f.name === g.flow.name && f.project_id === project.id)!;
      expect(row.serialized_flow, g.dir).toStrictEqual(g.flow.serialized);
      const group = server.state.flowGroups.find((fg) => fg.id === row.flow_group_id)!;
      // The key we send is the one real `prefect register` computes.
      expect(group.settings.idempotency_key, g.dir).toBe(g.pythonKey);
    }
    // Schedules are activated only for the flows that have one.
    const active = server.state.flows.filter((f) => f.is_schedule_active).map((f) => f.name).sort();
    expect(active).toEqual(server.state.flows.filter((f) => f.schedule !== null).map((f) => f.name).sort());
  });

  it('re-registering the goldens is a no-op; the tag variant of hello-flow becomes version 2', async () => {
    server = await startFakeServer();
    addProject(server.state, 'golden');
    const { api } = apiFor(server);
    const flows = byBranch.map((g) => g.flow);
    await applyPlan({ api, plan: await planRegistration({ api, projectName: 'golden', createProject: false, flows, force: false }), flows, setScheduleActive: true });
    const again = flows.map((f) => (f.name === 'hello-flow' ? tagged.flow : f));
    const before = server.requests.length;
    const plan = await planRegistration({ api, projectName: 'golden', createProject: false, flows: again, force: false });
    expect(plan.items.filter((i) => i.action !== 'unchanged').map((i) => [i.name, i.action])).toEqual([['hello-flow', 'changed']]);
    const result = await applyPlan({ api, plan, flows: again, setScheduleActive: true });
    expect(result.summary).toEqual({ registered: 1, skipped: flows.length - 1, failed: 0 });
    expect(result.flows.find((f) => f.name === 'hello-flow')?.version).toBe(2);
    expect(server.requests.slice(before).filter((r) => r.kind === 'mutation')).toHaveLength(1);
  });
});

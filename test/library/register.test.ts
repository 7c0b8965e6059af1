import { afterEach, describe, expect, it } from 'vitest';
import { register } from '../../src/index.js';
import { type FakeServer, startFakeServer } from '../support/fake-server/index.js';
import { apiFor, intervalSchedule, makeFlow } from '../register/helpers.js';

let server: FakeServer | undefined;
afterEach(async () => {
  // close() rejects if any request failed schema validation.
  await server?.close();
  server = undefined;
});

describe('register() from the library', () => {
  it('plans, creates the project and registers; a second call skips; dryRun sends no mutation', async () => {
    server = await startFakeServer();
    const { api } = apiFor(server);
    // Without the key, as a loader's LoadedFlow has none: register() computes it.
    const flows = [makeFlow('alpha', { schedule: intervalSchedule() }), makeFlow('beta', { schedule: intervalSchedule() })].map(({ idempotencyKey: _key, ...flow }) => flow);

    const dry = await register({ api, projectName: 'lib', flows, createProject: true, dryRun: true });
    expect(dry.result).toBeNull();
    expect(dry.plan.project.willCreate).toBe(true);
    expect(server.mutations()).toHaveLength(0);

    const first = await register({ api, projectName: 'lib', flows, createProject: true });
    expect(first.result?.summary).toEqual({ registered: 2, skipped: 0, failed: 0 });
    // setScheduleActive defaults to true, as with `prefect register`.
    expect(server.state.flows.map((flow) => flow.is_schedule_active)).toEqual([true, true]);
    const second = await register({ api, projectName: 'lib', flows });
    expect(second.plan.items.map((item) => item.action)).toEqual(['unchanged', 'unchanged']);
    expect(second.result?.summary).toEqual({ registered: 0, skipped: 2, failed: 0 });
  });

  it('refuses a missing project unless createProject', async () => {
    server = await startFakeServer();
    const { api } = apiFor(server);
    await expect(register({ api, projectName: 'nope', flows: [makeFlow('alpha')] })).rejects.toMatchObject({ code: 'E_PROJECT_NOT_FOUND' });
  });
});

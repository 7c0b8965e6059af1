import { describe, expect, it } from 'vitest';
import { pyjsonDumps } from '../../src/prefect/pyjson.js';
import { goldenFlow, goldenFlowsRepo } from './flows-repo.js';
import { type RegisterJson, creates, fakeServer, serverEnv, useCleanup } from './branch-support.js';
import { runCli } from './run-cli.js';

useCleanup();

const REGISTER = ['register', '--json', '--token-secret', 'GITHUB_ACCESS_TOKEN'];
const storageOf = (flow: { storage: unknown } | undefined): Record<string, unknown> => flow?.storage as Record<string, unknown>;

/** A feature branch with one more commit, pushed to origin. */
function pushBranch(repo: ReturnType<typeof goldenFlowsRepo>, branch: string): void {
  repo.git('checkout', '-q', '-b', branch);
  repo.commit(`work on ${branch}`);
  repo.git('push', '-q', 'origin', branch);
}

describe('branch workflows: register', () => {
  it('a tag push registers pinned to the tag (tag set, branch_name null), schedules on, provenance recorded', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'schedules']);
    repo.git('tag', 'v1.0.0');
    repo.git('push', '-q', 'origin', 'v1.0.0');
    const fake = await fakeServer();
    const run = await runCli([...REGISTER, '--project', 'data', '--create-project'], { cwd: repo.dir, env: serverEnv(fake, { BUILD_TAG: 'v1.0.0' }) });
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json<RegisterJson>();
    expect(doc.summary).toEqual({ registered: 3, skipped: 0, failed: 0 });
    expect(doc.schedule).toMatchObject({ mode: 'on', explicit: false });
    for (const flow of fake.state.flows) expect(storageOf(flow)).toMatchObject({ tag: 'v1.0.0', branch_name: null });
    expect(fake.state.flows.filter((f) => f.name.endsWith('schedule')).map((f) => f.is_schedule_active)).toEqual([true, true]);

    const hello = fake.state.flows.find((f) => f.name === 'hello-flow')!;
    const description = fake.state.flowGroups.find((g) => g.id === hello.flow_group_id)?.description ?? '';
    expect(description).toContain(`Registered by prefect-git from tag v1.0.0 at commit ${repo.head()}.`);
    expect(description).toContain('Code: https://github.com/acme/data-flows/blob/v1.0.0/my_flows/hello_flow.py');
    expect(doc.flows.find((f) => f.name === 'hello-flow')?.code_url).toBe('https://github.com/acme/data-flows/blob/v1.0.0/my_flows/hello_flow.py');

    // The description is outside the hashed payload: the next run skips everything, and describes nothing.
    const before = fake.mutations().length;
    const again = await runCli([...REGISTER, '--project', 'data'], { cwd: repo.dir, env: serverEnv(fake, { BUILD_TAG: 'v1.0.0' }) });
    expect(again.json<RegisterJson>().summary).toEqual({ registered: 0, skipped: 3, failed: 0 });
    expect(fake.mutations().length).toBe(before);
  });

  it('a feature branch registers into its own project, schedules off by default (and says so); --schedule turns them on', async () => {
    const repo = goldenFlowsRepo(['schedules']);
    pushBranch(repo, 'feature/x');
    const fake = await fakeServer();
    const run = await runCli([...REGISTER, '--project', 'data-{ref_slug}', '--create-project'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<RegisterJson>().project.name).toBe('data-feature-x');
    expect(fake.state.projects.map((p) => p.name)).toEqual(['data-feature-x']);
    expect(run.stderr).toContain("schedules: off by default: branch feature/x is not origin's default branch (main); pass --schedule to turn them on");
    expect(fake.state.flows.map((f) => [storageOf(f).branch_name, f.is_schedule_active])).toEqual([
      ['feature/x', false],
      ['feature/x', false],
    ]);

    const on = await runCli([...REGISTER, '--project', 'data-{ref_slug}', '--force', '--schedule'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(on.code, on.stderr).toBe(0);
    expect(on.json<RegisterJson>().schedule).toMatchObject({ mode: 'on', explicit: true });
    expect(fake.state.flows.filter((f) => !f.archived).map((f) => f.is_schedule_active)).toEqual([true, true]);
  });

  it('the thrash guard refuses another branch over main per flow (exit 5, E_REF_CHANGE); --allow-ref-change registers anyway', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const fake = await fakeServer();
    expect((await runCli([...REGISTER, '--project', 'data', '--create-project', '--name', 'hello-flow'], { cwd: repo.dir, env: serverEnv(fake) })).code).toBe(0);
    pushBranch(repo, 'feature/y');
    const before = creates(fake);
    const run = await runCli([...REGISTER, '--project', 'data'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code).toBe(5);
    const doc = run.json<RegisterJson>();
    const hello = doc.flows.find((f) => f.name === 'hello-flow');
    expect(hello).toMatchObject({ status: 'failed', error: { code: 'E_REF_CHANGE' } });
    expect(hello?.error?.message).toBe(
      "flow hello-flow in project data was registered from branch main; registering feature/y would archive main's version and the two branches would replace each other on every push",
    );
    expect(hello?.error?.hint).toContain('--project "data-{ref_slug}" --create-project');
    // The other flow (new in the project) goes on.
    expect(doc.flows.find((f) => f.name === 'etl-pipeline')).toMatchObject({ status: 'registered' });
    expect(creates(fake) - before).toBe(1);
    expect(run.stderr).toContain('--allow-ref-change');

    const dry = await runCli([...REGISTER, '--project', 'data', '--dry-run'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(dry.code).toBe(5);
    expect(dry.json<{ plan: Array<{ name: string; action: string }> }>().plan.find((p) => p.name === 'hello-flow')?.action).toBe('would-refuse');

    const allowed = await runCli([...REGISTER, '--project', 'data', '--allow-ref-change'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.json<RegisterJson>().flows.find((f) => f.name === 'hello-flow')).toMatchObject({ status: 'registered', version: 2 });
    expect(allowed.stderr).toContain('(allowed by --allow-ref-change)');
  });

  it('--schedule keep keeps each flow group\'s current schedule state', async () => {
    const repo = goldenFlowsRepo(['schedules']);
    const fake = await fakeServer();
    expect((await runCli([...REGISTER, '--project', 'data', '--create-project'], { cwd: repo.dir, env: serverEnv(fake) })).code).toBe(0);
    expect(fake.state.flows.map((f) => f.is_schedule_active)).toEqual([true, true]);
    // Someone turns one schedule off in the UI.
    fake.state.flows.find((f) => f.name === 'cron-schedule')!.is_schedule_active = false;
    const run = await runCli([...REGISTER, '--project', 'data', '--force', '--schedule', 'keep'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('schedules: kept as they are');
    const live = fake.state.flows.filter((f) => !f.archived);
    expect(live.map((f) => [f.name, f.version, f.is_schedule_active])).toEqual([
      ['cron-schedule', 2, false],
      ['interval-schedule', 2, true],
    ]);
  });

  it('a provenance failure is a warning, not a failed flow', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await fakeServer({ refuse: (field) => (field === 'set_flow_group_description' ? 'descriptions are read-only here' : undefined) });
    const run = await runCli([...REGISTER, '--project', 'data', '--create-project'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<RegisterJson>().summary).toEqual({ registered: 1, skipped: 0, failed: 0 });
    expect(run.stderr).toContain('hello-flow is registered, but recording its provenance in the flow group description failed');
  });

  it('working-tree edits do not leak in: the committed flow is registered and the edited file is named', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await fakeServer();
    const file = `${repo.dir}/my_flows/hello_flow.py`;
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('say_hello(name)\n', 'say_hello(name)\n    say_hello("twice")\n'));
    const run = await runCli([...REGISTER, '--project', 'data', '--create-project'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('uncommitted changes in my_flows/hello_flow.py');
    const hello = fake.state.flows.find((f) => f.name === 'hello-flow');
    expect(pyjsonDumps(hello!.serialized_flow, { sortKeys: true })).toBe(pyjsonDumps(goldenFlow('my_flows/hello_flow', 'hello-flow'), { sortKeys: true }));
  });
});

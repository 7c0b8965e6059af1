/**
 * `--changed-since REF` on real repositories: a flow is taken when its file changed, or a
 * repository module it imports (transitively) changed or appeared; everything else is left out
 * and counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos, writeFile } from '../git/helpers.js';
import type { TestRepo } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  cleanupRepos();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A flow whose Parameter default (which is serialized) comes from `expression`. */
const flowUsing = (name: string, imports: string, expression: string): string =>
  `from prefect import Flow, Parameter, task\n${imports}\n\n@task\ndef work(x):\n    return x\n\n\nwith Flow(${JSON.stringify(name)}) as flow:\n    work(Parameter("p", default=${expression}))\n`;

/** The golden my_flows and etl flows, plus flows importing repository modules, pushed. */
function repoWithModules(): TestRepo {
  const repo = goldenFlowsRepo(['my_flows', 'etl']);
  repo.commit('flows with imports', {
    'shared/__init__.py': '',
    'shared/consts.py': 'SOURCE = "crm"\n',
    'shared/names.py': 'from .consts import SOURCE\n\nTABLE = SOURCE + "_accounts"\n',
    'helpers.py': 'LIMIT = 10\n',
    'team/uses_shared.py': flowUsing('uses-shared', 'from shared.names import TABLE', 'TABLE'),
    'team/uses_helpers.py': flowUsing('uses-helpers', 'from helpers import LIMIT', 'LIMIT'),
  });
  repo.git('push', '-q', 'origin', 'main');
  return repo;
}

interface InspectJson {
  flows: Array<{ name: string }>;
  errors: Array<{ file: string }>;
  changed_since: { ref: string; commit: string; changed_files: string[]; flow_files: string[]; flows_left_out: number; errors_left_out: number };
}

/** The flow folders (shared/ holds modules with relative imports, which fail as scripts). */
const PATHS = ['team', 'my_flows', 'etl'];

async function inspectSince(repo: TestRepo, since: string, ...more: string[]): Promise<InspectJson> {
  const run = await runCli(['inspect', '--json', '--changed-since', since, ...more, ...PATHS], { cwd: repo.dir });
  expect(run.code, run.stderr).toBe(0);
  return run.json<InspectJson>();
}

describe('--changed-since', () => {
  it('takes nothing when nothing changed, and says how many flows were left out', async () => {
    const repo = repoWithModules();
    const run = await runCli(['inspect', '--changed-since', 'HEAD', ...PATHS], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/changed since HEAD \([0-9a-f]{7}\): 0 files changed, 0 flow files taken; 4 unchanged flows left out/);
    expect(run.stderr).toMatch(/^0 flows read$/m);
  });

  it('takes a flow whose own file changed, and only that one', async () => {
    const repo = repoWithModules();
    repo.commit('edit hello', { 'my_flows/hello_flow.py': flowUsing('hello-flow', '', '"hi"') });
    const doc = await inspectSince(repo, 'HEAD~1');
    expect(doc.flows.map((flow) => flow.name)).toEqual(['hello-flow']);
    expect(doc.changed_since).toMatchObject({ ref: 'HEAD~1', changed_files: ['my_flows/hello_flow.py'], flow_files: ['my_flows/hello_flow.py'], flows_left_out: 3, errors_left_out: 0 });
    expect(doc.changed_since.commit).toBe(repo.git('rev-parse', 'HEAD~1'));
  });

  it('takes the flows importing a changed module, through other modules too', async () => {
    const repo = repoWithModules();
    // consts.py is imported by names.py, which uses_shared.py imports.
    repo.commit('new source', { 'shared/consts.py': 'SOURCE = "erp"\n' });
    const doc = await inspectSince(repo, 'HEAD~1');
    expect(doc.flows.map((flow) => flow.name)).toEqual(['uses-shared']);
    expect(doc.changed_since.flows_left_out).toBe(3);

    repo.commit('new limit', { 'helpers.py': 'LIMIT = 20\n' });
    expect((await inspectSince(repo, 'HEAD~1')).flows.map((flow) => flow.name)).toEqual(['uses-helpers']);
    // Both changes since two commits ago.
    expect((await inspectSince(repo, 'HEAD~2')).flows.map((flow) => flow.name).sort()).toEqual(['uses-helpers', 'uses-shared']);
  });

  it('takes a flow when a new module shadows the one it imported', async () => {
    const repo = repoWithModules();
    // team/helpers.py comes before the root's helpers.py on the flow's sys.path.
    repo.commit('shadow', { 'team/helpers.py': 'LIMIT = 99\n' });
    const doc = await inspectSince(repo, 'HEAD~1');
    expect(doc.flows.map((flow) => flow.name)).toEqual(['uses-helpers']);
  });

  it('with --worktree, compares REF with the working tree, untracked files included', async () => {
    const repo = repoWithModules();
    writeFile(repo.dir, 'team/new_flow.py', flowUsing('brand-new', '', '1'));
    writeFile(repo.dir, 'shared/consts.py', 'SOURCE = "hr"\n');
    const doc = await inspectSince(repo, 'HEAD', '--worktree');
    expect(doc.flows.map((flow) => flow.name).sort()).toEqual(['brand-new', 'uses-shared']);
    // Without --worktree the commit is read: nothing changed between HEAD and HEAD.
    expect((await inspectSince(repo, 'HEAD')).flows).toEqual([]);
  });

  it('leaves out loading errors of unchanged files, and keeps those of changed ones', async () => {
    const repo = repoWithModules();
    repo.commit('broken', { 'team/broken.py': 'def (:\n' });
    repo.commit('edit', { 'my_flows/hello_flow.py': flowUsing('hello-flow', '', '"hey"') });
    const doc = await inspectSince(repo, 'HEAD~1');
    expect(doc.errors).toEqual([]);
    expect(doc.changed_since.errors_left_out).toBe(1);
    const both = await runCli(['inspect', '--json', '--changed-since', 'HEAD~2', ...PATHS], { cwd: repo.dir });
    expect(both.code).toBe(6);
    expect(both.json<InspectJson>().errors.map((error) => error.file)).toEqual(['team/broken.py']);
  });

  it.each([
    ['-p', 'E_REF_NAME'],
    ['--output=/tmp/x', 'E_REF_NAME'],
    ['main..HEAD', 'E_REF_NAME'],
    ['no-such-branch', 'E_GIT'],
  ])('refuses %s with %s (exit 3) before reading anything', async (since, code) => {
    const repo = repoWithModules();
    const run = await runCli(['inspect', '--json', `--changed-since=${since}`], { cwd: repo.dir });
    expect(run.code).toBe(3);
    expect(run.json<{ error: { code: string; hint: string } }>().error).toMatchObject({ code });
  });

  it('register --changed-since sends only the changed flows and reports the others as left out', async () => {
    const repo = repoWithModules();
    const fake = await startFakeServer();
    servers.push(fake);
    const env = { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url };
    const base = ['register', '--json', '--project', 'data-flows', '--create-project', ...PATHS];
    expect((await runCli(base, { cwd: repo.dir, env })).code).toBe(0);
    repo.commit('new source', { 'shared/consts.py': 'SOURCE = "erp"\n' });
    repo.git('push', '-q', 'origin', 'main');
    const run = await runCli([...base, '--changed-since', 'HEAD~1'], { cwd: repo.dir, env });
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json<{ flows: Array<{ name: string; status: string; version: number }>; changed_since: { flows_left_out: number } }>();
    expect(doc.flows).toEqual([expect.objectContaining({ name: 'uses-shared', status: 'registered', version: 2 })]);
    expect(doc.changed_since.flows_left_out).toBe(3);
    expect(fake.state.flows.filter((flow) => flow.name === 'hello-flow')).toHaveLength(1);
  });
});

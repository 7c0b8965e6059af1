import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeServer } from '../support/fake-server/index.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { type RegisterJson, fakeServer, serverEnv, useCleanup } from './branch-support.js';
import { runCli } from './run-cli.js';

useCleanup();

const REGISTER = ['register', '--json', '--token-secret', 'GITHUB_ACCESS_TOKEN', '--project', 'data'];
const HELLO = 'my_flows/hello_flow.py';

const groupOf = (fake: FakeServer, flowName: string): { id: string; description: string | null } => {
  const flow = fake.state.flows.find((f) => f.name === flowName && !f.archived)!;
  return fake.state.flowGroups.find((g) => g.id === flow.flow_group_id)!;
};

/** prefect-git's block for hello-flow registered from main at `commit`. */
const helloBlock = (commit: string): string =>
  [
    `Registered by prefect-git from branch main at commit ${commit}.`,
    'Flow runs clone the head of main, which may have moved on since.',
    `Flow file: ${HELLO}`,
    `Code: https://github.com/acme/data-flows/blob/main/${HELLO}`,
  ].join('\n');

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('provenance keeps the flow group description written in the UI', () => {
  it('replaces only its own block, run after run, and leaves unchanged flows alone', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const fake = await fakeServer();
    const first = await runCli([...REGISTER, '--create-project'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(first.code, first.stderr).toBe(0);
    // Registered for the first time: the block alone.
    expect(groupOf(fake, 'hello-flow').description).toBe(helloBlock(repo.head()));

    // Someone writes their own descriptions in the UI, dropping the block.
    groupOf(fake, 'hello-flow').description = 'Owned by the data team';
    groupOf(fake, 'etl-pipeline').description = 'Owned by ops';

    const change = (greeting: string): string => {
      const source = readFileSync(join(repo.dir, HELLO), 'utf8').replace(/default="[^"]*"/, `default="${greeting}"`);
      const commit = repo.commit(`greet ${greeting}`, { [HELLO]: source });
      repo.git('push', '-q', 'origin', 'main');
      return commit;
    };
    const register = async (): Promise<FakeServer['requests']> => {
      const before = fake.requests.length;
      const run = await runCli(REGISTER, { cwd: repo.dir, env: serverEnv(fake) });
      expect(run.code, run.stderr).toBe(0);
      expect(run.json<RegisterJson>().summary).toEqual({ registered: 1, skipped: 1, failed: 0 });
      return fake.requests.slice(before);
    };

    const second = change('team');
    const requests = await register();
    expect(groupOf(fake, 'hello-flow').description).toBe(`Owned by the data team\n\n${helloBlock(second)}`);
    // The unchanged flow's description is not written; the current descriptions came with the
    // batched version lookup, not a request of their own.
    expect(groupOf(fake, 'etl-pipeline').description).toBe('Owned by ops');
    expect(requests.map((r) => r.operationName)).toEqual([
      'PrefectGitFindProject',
      'PrefectGitLatestFlowVersions',
      'PrefectGitCreateFlow',
      'PrefectGitFlowsByIds',
      'PrefectGitSetFlowGroupDescriptions',
    ]);
    expect(Object.values(requests.at(-1)!.variables)).toEqual([{ flow_group_id: groupOf(fake, 'hello-flow').id, description: `Owned by the data team\n\n${helloBlock(second)}` }]);

    const third = change('everyone');
    await register();
    const description = groupOf(fake, 'hello-flow').description ?? '';
    expect(description).toBe(`Owned by the data team\n\n${helloBlock(third)}`);
    expect(count(description, 'Registered by prefect-git from ')).toBe(1);
    expect(count(description, 'Owned by the data team')).toBe(1);
  });
});

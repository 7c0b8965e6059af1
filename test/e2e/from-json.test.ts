import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePyJson, pyjsonDumps } from '../../src/prefect/pyjson.js';
import { cleanupRepos } from '../git/helpers.js';
import { goldenFlow, goldenFlows, goldenFlowsRepo, goldenKey } from './flows-repo.js';
import { runCli } from './run-cli.js';

afterEach(cleanupRepos);

describe('inspect --from-json', () => {
  it('gives the golden serialized flows and keys from a flows.json of the golden flows (storage rebuilt by prefect-git)', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const flows = goldenFlows();
    // Storage is replaced by prefect-git's own: scramble it here so the test sees the replacement.
    const entries = flows.map(({ file, flow }) => {
      const serialized = goldenFlow(file, flow) as Record<string, unknown>;
      return pyjsonDumps({ ...(serialized as object), storage: { ...(serialized.storage as object), repo: 'someone/else', branch_name: 'old' } });
    });
    const path = join(repo.dir, 'flows.json');
    writeFileSync(path, `{"version": 1, "flows": [${entries.join(', ')}]}`);
    const run = await runCli(['inspect', '--json', '--from-json', path, '--token-secret', 'GITHUB_ACCESS_TOKEN'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    const doc = parsePyJson(run.stdout) as { flows: Array<{ name: string; idempotency_key: string; serialized_flow: unknown }> };
    expect(doc.flows).toHaveLength(flows.length);
    for (const { file, flow } of flows) {
      const got = doc.flows.find((f) => f.name === flow);
      expect(got, flow).toBeDefined();
      expect(pyjsonDumps(got!.serialized_flow as never, { sortKeys: true })).toBe(pyjsonDumps(goldenFlow(file, flow), { sortKeys: true }));
      expect(got!.idempotency_key).toBe(goldenKey(file, flow));
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { cleanupRepos } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

afterEach(cleanupRepos);

interface InspectJson {
  flows: Array<{ name: string; idempotency_key: string; serialized_flow: { run_config: { type: string; image?: string } } }>;
  errors: Array<{ code: string; flow?: string }>;
}

describe('inspect --image', () => {
  it('pins Kubernetes and Docker flows to the image of the tag, changing their key; Universal flows are refused', async () => {
    const repo = goldenFlowsRepo(['run_configs']);
    repo.git('tag', 'v2.0.0');
    const plain = (await runCli(['inspect', '--json', '--tag', 'v2.0.0'], { cwd: repo.dir })).json<InspectJson>();
    const run = await runCli(['inspect', '--json', '--tag', 'v2.0.0', '--image', 'ghcr.io/acme/flows-runtime:{tag}'], { cwd: repo.dir });
    expect(run.code).toBe(6);
    const doc = run.json<InspectJson>();
    expect(doc.flows.map((f) => [f.name, f.serialized_flow.run_config.type, f.serialized_flow.run_config.image])).toEqual([
      ['docker-run', 'DockerRun', 'ghcr.io/acme/flows-runtime:v2.0.0'],
      ['kubernetes-run', 'KubernetesRun', 'ghcr.io/acme/flows-runtime:v2.0.0'],
    ]);
    expect(doc.errors).toEqual([expect.objectContaining({ code: 'E_UNSUPPORTED', flow: 'universal-run' })]);
    const before = new Map(plain.flows.map((f) => [f.name, f.idempotency_key]));
    for (const flow of doc.flows) expect(flow.idempotency_key).not.toBe(before.get(flow.name));
  });

  it('takes the image from PREFECT_GIT_IMAGE with {sha}', async () => {
    const repo = goldenFlowsRepo(['run_configs']);
    const run = await runCli(['inspect', '--json', '--name', 'kubernetes-run'], { cwd: repo.dir, env: { PREFECT_GIT_IMAGE: 'reg/rt:{ref_slug}-{sha}' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<InspectJson>().flows[0]?.serialized_flow.run_config.image).toBe(`reg/rt:main-${repo.head().slice(0, 7)}`);
  });
});

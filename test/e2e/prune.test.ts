import { describe, expect, it } from 'vitest';
import { tempDir } from '../git/helpers.js';
import { addProject } from '../support/fake-server/index.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { fakeServer, serverEnv, useCleanup } from './branch-support.js';
import { runCli } from './run-cli.js';

useCleanup();

interface PruneJson {
  dry_run: boolean;
  projects: Array<{ name: string; action: string; reason: string; deleted: boolean; flows: string[] }>;
  unmatched: number;
  summary: { delete: number; keep: number; deleted: number; failed: number };
}

describe('prefect-git prune', () => {
  it('--help shows the options and examples', async () => {
    const run = await runCli(['prune', '--help'], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--project-pattern');
  });

  it('plans and deletes only per-branch projects whose branch is gone; never others; nothing without --yes', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await fakeServer();
    const env = serverEnv(fake);
    const register = async (): Promise<void> => {
      const run = await runCli(['register', '--project', 'data-{ref_slug}', '--create-project'], { cwd: repo.dir, env });
      expect(run.code, run.stderr).toBe(0);
    };
    await register(); // data-main
    for (const branch of ['feature/a', 'feature/b']) {
      repo.git('checkout', '-q', '-b', branch, 'main');
      repo.git('push', '-q', 'origin', branch);
      await register();
    }
    addProject(fake.state, 'production');
    addProject(fake.state, 'data-team-notes'); // matches the pattern, empty: made for no live ref
    repo.git('checkout', '-q', 'main');
    repo.git('push', '-q', 'origin', '--delete', 'feature/a');

    const plan = await runCli(['prune', '--json', '--project-pattern', 'data-{ref_slug}'], { cwd: repo.dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    const doc = plan.json<PruneJson>();
    expect(doc.dry_run).toBe(true);
    expect(doc.unmatched).toBe(1);
    expect(doc.projects.map((p) => [p.name, p.action])).toEqual([
      ['data-feature-a', 'delete'],
      ['data-feature-b', 'keep'],
      ['data-main', 'keep'],
      ['data-team-notes', 'delete'],
    ]);
    expect(doc.projects[0]?.reason).toBe('made for branch feature/a; no branch or tag on origin gives this name any more');
    expect(doc.projects[0]?.flows).toEqual(['hello-flow']);
    expect(fake.mutations().filter((m) => m.operationName === 'PrefectGitDeleteProject')).toHaveLength(0);
    expect(plan.stderr).toContain('pass --yes to delete them');

    const run = await runCli(['prune', '--json', '--project-pattern', 'data-{ref_slug}', '--yes'], { cwd: repo.dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<PruneJson>().summary).toEqual({ delete: 2, keep: 2, deleted: 2, failed: 0 });
    expect(fake.state.projects.map((p) => p.name).sort()).toEqual(['data-feature-b', 'data-main', 'production']);
    expect(fake.state.flows.map((f) => (f.storage as { branch_name: string }).branch_name).sort()).toEqual(['feature/b', 'main']);
  });

  it('exits 5 when a deletion fails, and 2 for a pattern without placeholder', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await fakeServer({ refuse: (field) => (field === 'delete_project' ? 'not allowed' : undefined) });
    addProject(fake.state, 'data-gone');
    const env = serverEnv(fake);
    const run = await runCli(['prune', '--json', '--project-pattern', 'data-{ref_slug}', '--yes'], { cwd: repo.dir, env });
    expect(run.code).toBe(5);
    expect(run.json<PruneJson>().summary).toMatchObject({ delete: 1, deleted: 0, failed: 1 });
    expect(fake.state.projects.map((p) => p.name)).toEqual(['data-gone']);

    const fixed = await runCli(['prune', '--json', '--project-pattern', 'data-gone'], { cwd: repo.dir, env });
    expect(fixed.code).toBe(2);
    expect(fixed.json<{ error: { code: string } }>().error.code).toBe('E_USAGE');
  });
});

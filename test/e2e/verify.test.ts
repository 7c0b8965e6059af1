import { describe, expect, it } from 'vitest';
import { git, tempDir, wrapRepo } from '../git/helpers.js';
import { GITHUB_URL, goldenFlowsRepo } from './flows-repo.js';
import { fakeServer, serverEnv, useCleanup } from './branch-support.js';
import { runCli } from './run-cli.js';

useCleanup();

interface VerifyJson {
  project: { name: string };
  flows: Array<{ name: string; status: string; ref: { type: string; name: string } | null; commit: string | null; findings: Array<{ kind: string; fails: boolean; message: string }>; note: string | null }>;
  summary: { ok: number; drift: number; unverified: number; skipped: number };
}

const RENAMED = 'from prefect import Flow, Parameter, task\n\n\n@task\ndef greet(name):\n    print(name)\n\n\nwith Flow("hello-flow") as flow:\n    name = Parameter("name", default="world")\n    greet(name)\n';

describe('prefect-git verify', () => {
  it('--help shows the options and examples', async () => {
    const run = await runCli(['verify', '--help'], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--project');
  });

  it('is clean after registering, ignores unpushed commits, and reports drift after a pushed task rename (exit 5)', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const fake = await fakeServer();
    const env = serverEnv(fake);
    const reg = await runCli(['register', '--project', 'data', '--create-project', '--token-secret', 'GITHUB_ACCESS_TOKEN'], { cwd: repo.dir, env });
    expect(reg.code, reg.stderr).toBe(0);

    const clean = await runCli(['verify', '--json', '--project', 'data'], { cwd: repo.dir, env });
    expect(clean.code, clean.stderr).toBe(0);
    const cleanDoc = clean.json<VerifyJson>();
    expect(cleanDoc.summary).toEqual({ ok: 2, drift: 0, unverified: 0, skipped: 0 });
    expect(cleanDoc.flows.map((f) => [f.name, f.status, f.ref, f.commit])).toEqual([
      ['etl-pipeline', 'ok', { type: 'branch', name: 'main' }, repo.head()],
      ['hello-flow', 'ok', { type: 'branch', name: 'main' }, repo.head()],
    ]);

    // Runs clone origin's head, so a local commit that is not pushed is no drift yet.
    repo.commit('rename the task', { 'my_flows/hello_flow.py': RENAMED });
    expect((await runCli(['verify', '--project', 'data'], { cwd: repo.dir, env })).code).toBe(0);

    repo.git('push', '-q', 'origin', 'main');
    const drift = await runCli(['verify', '--json', '--project', 'data'], { cwd: repo.dir, env });
    expect(drift.code).toBe(5);
    const doc = drift.json<VerifyJson>();
    expect(doc.summary).toEqual({ ok: 1, drift: 1, unverified: 0, skipped: 0 });
    const hello = doc.flows.find((f) => f.name === 'hello-flow');
    expect(hello?.status).toBe('drift');
    expect(hello?.findings.map((f) => f.kind)).toEqual(['slug-missing', 'slug-added']);
    expect(hello?.findings[0]?.message).toBe(`runs will fail: slug \`say_hello-1\` no longer exists in my_flows/hello_flow.py at branch main (${repo.head().slice(0, 7)})`);

    const human = await runCli(['verify', '--project', 'data', 'my_flows'], { cwd: repo.dir, env });
    expect(human.code).toBe(5);
    expect(human.stderr).toContain('runs will fail: slug `say_hello-1` no longer exists');
    expect(human.stderr).not.toContain('etl-pipeline');
  });

  it('fetches the remote head it does not have yet, and reports a deleted branch', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    repo.git('checkout', '-q', '-b', 'feature/x');
    repo.git('push', '-q', 'origin', 'feature/x');
    const fake = await fakeServer();
    const env = serverEnv(fake);
    expect((await runCli(['register', '--project', 'data', '--create-project'], { cwd: repo.dir, env })).code).toBe(0);

    // A second clone made now lacks the commit pushed next.
    const other = wrapRepo(`${tempDir()}/other`);
    git(repo.dir, 'clone', '-q', repo.origin!, other.dir);
    other.git('remote', 'set-url', 'origin', GITHUB_URL);
    other.git('config', `url.${repo.origin!}.insteadOf`, GITHUB_URL);
    repo.commit('rename', { 'my_flows/hello_flow.py': RENAMED });
    repo.git('push', '-q', 'origin', 'feature/x');
    const pushed = repo.head();
    expect(() => other.git('cat-file', '-e', pushed)).toThrow();

    const run = await runCli(['verify', '--json', '--project', 'data'], { cwd: other.dir, env });
    expect(run.code, run.stderr).toBe(5);
    expect(run.json<VerifyJson>().flows[0]).toMatchObject({ status: 'drift', commit: pushed, ref: { type: 'branch', name: 'feature/x' } });

    repo.git('push', '-q', 'origin', '--delete', 'feature/x');
    const gone = await runCli(['verify', '--json', '--project', 'data'], { cwd: other.dir, env });
    expect(gone.code).toBe(5);
    expect(gone.json<VerifyJson>().flows[0]?.findings).toEqual([{ kind: 'ref-missing', fails: true, message: 'runs will fail: branch feature/x no longer exists on origin' }]);
  });

  it('exits 4 for a missing project', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await fakeServer();
    const run = await runCli(['verify', '--json', '--project', 'nope'], { cwd: repo.dir, env: serverEnv(fake) });
    expect(run.code).toBe(4);
    expect(run.json<{ error: { code: string } }>().error.code).toBe('E_PROJECT_NOT_FOUND');
  });
});

/** `register --summary-file` and `$GITHUB_STEP_SUMMARY`: a Markdown summary appended after the run. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos, tempDir } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  cleanupRepos();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof startFakeServer>[0] = {}): Promise<FakeServer> {
  const started = await startFakeServer(options);
  servers.push(started);
  return started;
}

const env = (fake: FakeServer, more: Record<string, string> = {}): Record<string, string> => ({ PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url, ...more });
const BASE = ['register', '--project', 'data-flows'];

describe('register --summary-file', () => {
  it('writes project, ref, commit and a row per flow with its version and link; a second run appends', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const fake = await server();
    const file = join(tempDir(), 'summary.md');
    const first = await runCli([...BASE, '--create-project', '--summary-file', file], { cwd: repo.dir, env: env(fake) });
    expect(first.code, first.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('### prefect-git register\n');
    expect(text).toContain(`project \`data-flows\` (created) · branch \`main\` · commit \`${repo.head().slice(0, 12)}\``);
    expect(text).toContain('2 registered · 0 skipped · 0 failed');
    expect(text).toMatch(/^\| `hello-flow` \| ✅ registered \| v1 \| \[open\]\(http:\/\/localhost:8080\/default\/flow\/[0-9a-f-]{36}\) \|$/m);
    expect(text).toMatch(/^\| `etl-pipeline` \| ✅ registered \| v1 \| \[open\]\(/m);

    const second = await runCli([...BASE, '--summary-file', file], { cwd: repo.dir, env: env(fake) });
    expect(second.code, second.stderr).toBe(0);
    const both = readFileSync(file, 'utf8');
    expect(both.startsWith(text)).toBe(true);
    expect(both.slice(text.length)).toContain('0 registered · 2 skipped · 0 failed');
    expect(both.slice(text.length)).toMatch(/^\| `hello-flow` \| ➖ skipped \(unchanged\) \| v1 \|/m);
  });

  it('appends to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const file = join(tempDir(), 'step_summary');
    writeFileSync(file, '## Tests\n\nall green\n');
    const run = await runCli([...BASE, '--create-project'], { cwd: repo.dir, env: env(fake, { GITHUB_STEP_SUMMARY: file }) });
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('## Tests\n\nall green\n\n### prefect-git register\n')).toBe(true);
    expect(text).toContain('| `hello-flow` | ✅ registered | v1 |');
  });

  it('--summary-file wins over $GITHUB_STEP_SUMMARY', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const dir = tempDir();
    const run = await runCli([...BASE, '--create-project', '--summary-file', 'mine.md'], { cwd: repo.dir, env: env(fake, { GITHUB_STEP_SUMMARY: join(dir, 'step') }) });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(repo.dir, 'mine.md'))).toBe(true);
    expect(existsSync(join(dir, 'step'))).toBe(false);
  });

  it('with --dry-run, writes the plan table', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const file = join(tempDir(), 'plan.md');
    const run = await runCli([...BASE, '--create-project', '--dry-run', '--summary-file', file], { cwd: repo.dir, env: env(fake) });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.mutations()).toHaveLength(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('### prefect-git register (dry run: nothing sent)');
    expect(text).toContain('project `data-flows` (would be created)');
    expect(text).toContain('| flow | plan | latest version | why |');
    expect(text).toContain("| `hello-flow` | ➕ would register | – | no flow named 'hello-flow' in project 'data-flows' yet |");
  });

  it('lists failed flows with their message, and keeps the exit code', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const fake = await server({ rejectFlow: (flow) => ((flow as { name?: string }).name === 'etl-pipeline' ? 'rejected for the test' : undefined) });
    const file = join(tempDir(), 'summary.md');
    const run = await runCli([...BASE, '--create-project', '--summary-file', file], { cwd: repo.dir, env: env(fake) });
    expect(run.code).toBe(5);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('| `etl-pipeline` | ❌ failed | – |  |');
    expect(text).toMatch(/#### Failures\n\n- `etl-pipeline` \(`etl\/etl_pipeline.py`\): \*\*E\\_API\\_GRAPHQL\*\* .*rejected for the test/);
  });

  it('still writes the error of a run that stopped early', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const file = join(tempDir(), 'summary.md');
    const run = await runCli([...BASE, '--summary-file', file], { cwd: repo.dir, env: env(fake) });
    expect(run.code).toBe(4);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('project `data-flows` · branch `main`');
    expect(text).toContain("#### Error\n\n- **E\\_PROJECT\\_NOT\\_FOUND** Project 'data-flows' does not exist\n  - hint: Pass --create-project");
  });

  it('warns, and keeps the exit code, when the file cannot be written', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await server();
    const file = join(tempDir(), 'missing-folder', 'summary.md');
    const run = await runCli([...BASE, '--create-project', '--summary-file', file], { cwd: repo.dir, env: env(fake) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning could not write the summary to .*missing-folder/m);
  });
});

/** The live progress line: on a terminal only, rewritten with `\r`, gone before the final lines. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  cleanupRepos();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** What a terminal shows for `text`: `\r` returns to the line start and later characters overwrite. */
function screen(text: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let cursor = 0;
  for (const ch of text.replace(ANSI, '')) {
    if (ch === '\n') {
      lines.push(line.join('').trimEnd());
      line = [];
      cursor = 0;
    } else if (ch === '\r') cursor = 0;
    else line[cursor++] = ch;
  }
  if (line.join('').trim() !== '') lines.push(line.join('').trimEnd());
  return lines;
}

async function registerRun(options: { stderrIsTTY: boolean; env?: Record<string, string>; argv?: string[] }) {
  const repo = goldenFlowsRepo(['my_flows', 'etl']);
  const fake = await startFakeServer();
  servers.push(fake);
  return runCli([...(options.argv ?? []), 'register', '--project', 'data-flows', '--create-project'], {
    cwd: repo.dir,
    env: { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url, ...options.env },
    stderrIsTTY: options.stderrIsTTY,
  });
}

describe('progress on a terminal', () => {
  it('shows each phase of register on one rewritten line, and leaves nothing of it on screen', async () => {
    const run = await registerRun({ stderrIsTTY: true });
    expect(run.code, run.stderr).toBe(0);
    for (const phase of ['\rresolving the ref', '\rreading 2 flow files from branch main', '\rchecking that the ref is pushed', '\rplanning 2 flows', '\rregistering 1/2: ', '\rregistering 2/2: ']) {
      expect(run.stderr).toContain(phase);
    }
    const shown = screen(run.stderr);
    expect(shown.filter((line) => /resolving|reading \d|planning|registering \d|provenance/.test(line))).toEqual([]);
    expect(shown.at(-1)).toBe('2 registered, 0 skipped, 0 failed');
    expect(shown).toContain('created project data-flows');
  });

  it('shows the phases of inspect too', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const run = await runCli(['inspect'], { cwd: repo.dir, stderrIsTTY: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('\rreading 1 flow file from branch main');
    expect(screen(run.stderr).at(-1)).toBe('1 flow read');
    expect(screen(run.stderr).some((line) => line.includes('reading 1 flow file'))).toBe(false);
  });

  it('cuts a long line to the terminal width, so `\\r` can still clear it', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    let stderr = '';
    const { main } = await import('../../src/cli/main.js');
    await main(['inspect'], { stdout: () => undefined, stderr: (text) => void (stderr += text), env: { PATH: process.env.PATH }, cwd: repo.dir, stderrIsTTY: true, stderrColumns: 24, home: repo.dir });
    const progress = stderr.split('\r').filter((part) => part.startsWith('reading'));
    // One column short of the width: a line that fills it would wrap on some terminals.
    expect(progress).toEqual(['reading 1 flow file fr…']);
  });

  it.each([
    ['stderr is not a terminal', { stderrIsTTY: false }],
    ['CI', { stderrIsTTY: true, env: { CI: 'true' } }],
    ['--json', { stderrIsTTY: true, argv: ['--json'] }],
    ['--quiet', { stderrIsTTY: true, argv: ['--quiet'] }],
    ['TERM=dumb', { stderrIsTTY: true, env: { TERM: 'dumb' } }],
  ])('prints no progress, no \\r and no escape codes when %s', async (_name, options) => {
    const run = await registerRun({ ...options, env: { NO_COLOR: '1', ...('env' in options ? options.env : {}) } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).not.toMatch(/resolving the ref|planning \d|registering \d/);
  });
});

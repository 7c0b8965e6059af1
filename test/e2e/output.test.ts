import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { Output, isCi, useColor } from '../../src/cli/output.js';
import { cleanupRepos, tempDir } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';
import { runCli } from './run-cli.js';

afterEach(() => cleanupRepos());

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

function io(env: Record<string, string | undefined>, stderrIsTTY: boolean): CliIO & { err: string[] } {
  const err: string[] = [];
  return { stdout: () => undefined, stderr: (text) => void err.push(text), env, cwd: '/', stderrIsTTY, err };
}

describe('output: colours, CI and pipes', () => {
  it('prints plain one-line events without ANSI escapes when stderr is not a terminal', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const run = await runCli(['inspect'], { cwd: repo.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(ANSI);
    expect(run.stderr).not.toContain('\r');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatch(/^\d+ flows? read$/);
  });

  it('colours a terminal (the control that shows the other tests can fail)', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const run = await runCli(['inspect'], { cwd: repo.dir, stderrIsTTY: true });
    expect(run.stderr).toMatch(ANSI);
  });

  it.each([
    ['NO_COLOR=1', ['inspect'], { NO_COLOR: '1' }],
    ['--no-color', ['--no-color', 'inspect'], {}],
    ['TERM=dumb', ['inspect'], { TERM: 'dumb' }],
  ])('honours %s even when stderr is a terminal', async (_name, argv, env) => {
    const repo = goldenFlowsRepo(['my_flows']);
    const run = await runCli(argv, { cwd: repo.dir, env, stderrIsTTY: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(ANSI);
    expect(run.stderr).toContain('hello-flow');
  });

  it('prints nothing on success with --quiet, but still the JSON document with --json', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const quiet = await runCli(['--quiet', 'inspect'], { cwd: repo.dir, stderrIsTTY: true });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    const json = await runCli(['-q', '--json', 'inspect'], { cwd: repo.dir });
    expect(json.stderr).toBe('');
    expect(json.json<{ flows: unknown[] }>().flows.length).toBeGreaterThan(0);
  });

  it('still prints errors (and their hints) with --quiet', async () => {
    const run = await runCli(['--quiet', 'inspect'], { cwd: tempDir() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error .*not inside a git work tree/m);
    expect(run.stderr).toMatch(/^hint {2}/m);
  });

  it('decides colours from the CliIO, not from the process it runs in', () => {
    expect(useColor({ stderrIsTTY: true, env: {} }, {})).toBe(true);
    expect(useColor({ stderrIsTTY: false, env: {} }, {})).toBe(false);
    expect(useColor({ stderrIsTTY: true, env: { NO_COLOR: '1' } }, {})).toBe(false);
    // https://no-color.org: an empty NO_COLOR does not count.
    expect(useColor({ stderrIsTTY: true, env: { NO_COLOR: '' } }, {})).toBe(true);
    expect(useColor({ stderrIsTTY: true, env: {} }, { color: false })).toBe(false);
    const tty = io({}, true);
    new Output(tty, {}).info(new Output(tty, {}).colors.red('x'));
    expect(tty.err.join('')).toMatch(ANSI);
  });

  it('never redraws lines in CI, with --quiet or --json, or when piped', () => {
    expect(new Output(io({}, true), {}).interactive).toBe(true);
    expect(new Output(io({ CI: 'true' }, true), {}).interactive).toBe(false);
    expect(new Output(io({ JENKINS_URL: 'https://ci' }, true), {}).interactive).toBe(false);
    expect(new Output(io({}, true), { quiet: true }).interactive).toBe(false);
    expect(new Output(io({}, true), { json: true }).interactive).toBe(false);
    expect(new Output(io({}, false), {}).interactive).toBe(false);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '1' })).toBe(true);
  });
});

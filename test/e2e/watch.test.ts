/**
 * `register --watch` in-process against the fake Server: the loop is driven through
 * `CliIO.watch` (an abort signal, a hook per cycle, short poll timings) and files are edited in
 * the working tree between cycles.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { WatchCycle } from '../../src/cli/watch.js';
import type { FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos, writeFile } from '../git/helpers.js';
import { goldenFlowsRepo } from './flows-repo.js';

const servers: FakeServer[] = [];
const stops: AbortController[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop.abort();
  cleanupRepos();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Starts `register --watch`; `cycle(n)` resolves with cycle n once it has run. */
async function startWatch(cwd: string, args: string[]) {
  const fake = await startFakeServer();
  servers.push(fake);
  const stop = new AbortController();
  stops.push(stop);
  const cycles: WatchCycle[] = [];
  const waiting = new Map<number, (cycle: WatchCycle) => void>();
  let stderr = '';
  const exit = main(['register', '--project', 'dev', ...args, '--watch'], {
    stdout: () => undefined,
    stderr: (text) => void (stderr += text),
    env: { PATH: process.env.PATH, PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url },
    cwd,
    stderrIsTTY: false,
    home: cwd,
    watch: {
      signal: stop.signal,
      pollMs: 20,
      debounceMs: 60,
      onCycle: (cycle) => {
        cycles.push(cycle);
        waiting.get(cycle.cycle)?.(cycle);
      },
    },
  });
  const cycle = (n: number): Promise<WatchCycle> => {
    const done = cycles.find((c) => c.cycle === n);
    if (done) return Promise.resolve(done);
    return Promise.race([
      new Promise<WatchCycle>((resolve) => waiting.set(n, resolve)),
      exit.then((code) => Promise.reject(new Error(`watch ended with ${code} before cycle ${n}:\n${stderr}`))),
    ]);
  };
  return { fake, stop, cycle, exit, stderr: () => stderr };
}

const summary = (cycle: WatchCycle) => cycle.results.map((r) => `${r.name} ${r.status} v${r.version}`);
const helloWith = (greeting: string): string =>
  `from prefect import Flow, Parameter, task\n\n\n@task\ndef say_hello(name):\n    print(name)\n\n\nwith Flow("hello-flow") as flow:\n    name = Parameter("name", default=${JSON.stringify(greeting)})\n    say_hello(name)\n`;

describe('register --watch', () => {
  it('registers, re-registers only the edited flow, survives a broken file, and stops on abort', async () => {
    const repo = goldenFlowsRepo(['my_flows', 'etl']);
    const watch = await startWatch(repo.dir, ['--create-project']);

    const first = await watch.cycle(0);
    expect(summary(first).sort()).toEqual(['etl-pipeline registered v1', 'hello-flow registered v1']);

    writeFile(repo.dir, 'my_flows/hello_flow.py', helloWith('watcher'));
    const edited = await watch.cycle(1);
    expect(edited.changed).toEqual(['my_flows/hello_flow.py']);
    expect(edited.files).toEqual(['my_flows/hello_flow.py']);
    expect(summary(edited)).toEqual(['hello-flow registered v2']);
    expect(watch.fake.state.flows.filter((flow) => flow.name === 'etl-pipeline')).toHaveLength(1);

    writeFile(repo.dir, 'my_flows/broken.py', 'def (:\n');
    const broken = await watch.cycle(2);
    expect(broken.results).toEqual([]);
    expect(broken.errors.map((error) => [error.file, error.code])).toEqual([['my_flows/broken.py', 'E_PARSE']]);
    expect(watch.stderr()).toMatch(/my_flows\/broken\.py:1:\d+: .*\(E_PARSE\)/);

    // Still watching: the next edit registers again.
    writeFile(repo.dir, 'my_flows/hello_flow.py', helloWith('again'));
    expect(summary(await watch.cycle(3))).toEqual(['hello-flow registered v3']);

    watch.stop.abort();
    expect(await watch.exit).toBe(0);
    const stderr = watch.stderr();
    expect(stderr).toMatch(/^warning --watch reads the working tree, uncommitted edits included, and skips the pre-flight checks .*commit and push/m);
    expect(stderr).toMatch(/^watching 2 flow files and the modules they import \(Ctrl-C to stop\)$/m);
    expect(stderr).toMatch(/stopped watching\n$/);
    // Nothing was committed: the pre-flight would have refused a dirty --worktree registration.
    expect(repo.git('status', '--porcelain')).not.toBe('');
  });

  it('re-registers the flows importing a module outside the watched paths', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    repo.commit('flows with a shared module', {
      'lib/consts.py': 'DEFAULT = "a"\n',
      'team/uses_lib.py': 'from prefect import Flow, Parameter, task\nfrom lib.consts import DEFAULT\n\n\n@task\ndef work(x):\n    return x\n\n\nwith Flow("uses-lib") as flow:\n    work(Parameter("p", default=DEFAULT))\n',
      'team/plain.py': 'from prefect import Flow, task\n\n\n@task\ndef work():\n    return 1\n\n\nwith Flow("plain") as flow:\n    work()\n',
    });
    const watch = await startWatch(repo.dir, ['--create-project', 'team']);
    expect(summary(await watch.cycle(0)).sort()).toEqual(['plain registered v1', 'uses-lib registered v1']);

    writeFile(repo.dir, 'lib/consts.py', 'DEFAULT = "b"\n');
    const cycle = await watch.cycle(1);
    expect(cycle.changed).toEqual(['lib/consts.py']);
    expect(summary(cycle)).toEqual(['uses-lib registered v2']);
    watch.stop.abort();
    expect(await watch.exit).toBe(0);
  });

  it('stops on a real SIGINT with exit 0 and leaves nothing running (child process)', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const fake = await startFakeServer();
    servers.push(fake);
    const script = `const { main } = await import(${JSON.stringify(new URL('../../src/cli/main.ts', import.meta.url).href)}); process.exitCode = await main(process.argv.slice(1));`;
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), '--input-type=module', '-e', script, 'register', '--project', 'dev', '--create-project', '--watch'], {
      cwd: repo.dir,
      env: { PATH: process.env.PATH, HOME: repo.dir, PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // Once: a second SIGINT ends the process the default way (by design, for a stuck cycle).
      if (!sent && stderr.includes('(Ctrl-C to stop)')) sent = child.kill('SIGINT');
    });
    // The exit itself proves no timer or socket kept the process alive.
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect([code, signal], stderr).toEqual([0, null]);
    expect(stderr).toMatch(/stopped watching\n$/);
  });

  it('ends at once with the error when the first registration cannot happen', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    const watch = await startWatch(repo.dir, []);
    expect(await watch.exit).toBe(4);
    expect(watch.stderr()).toContain("Project 'dev' does not exist");
  });

  it('refuses --json and the options it cannot honour', async () => {
    const repo = goldenFlowsRepo(['my_flows']);
    for (const args of [['--json'], ['--dry-run'], ['--changed-since', 'HEAD'], ['--summary-file', 'x.md']]) {
      const watch = await startWatch(repo.dir, args);
      expect(await watch.exit, args.join(' ')).toBe(2);
    }
  });
});

/**
 * `npm run bench`: figures, not pass/fail. Generates flow repositories (bench/generate.ts), runs
 * `inspect` and `register` through the real CLI entry against the in-process fake Prefect Server
 * with injected latency, in-process (the built `main()`) and as children of the built bin, and prints one
 * table; the same rows go to bench/results/ as JSON. Targets are printed next to the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addProject, startFakeServer } from '../test/support/fake-server/index.js';
import { generateFlows, writeFlowsRepo } from './generate.js';
import type { MainFn, Run } from './measure.js';
import { buildPackage, cliEnv, loadBuiltMain, medianRun, runChild, runInProcess } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', 'work');
const RESULTS = join(ROOT, 'bench', 'results');
const CONCURRENCY = 8;
/** The built CLI's main (set once the private package is built). */
let main: MainFn;

interface Row {
  scenario: string;
  mode: 'in-process' | 'child';
  ms: number;
  flows: number | null;
  flowsPerSec: number | null;
  requests: number | null;
  rssMb: number | null;
  idealMs: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
  samples?: number[];
  /** Requests by GraphQL operation (registration rows). */
  operations?: Record<string, number>;
}

const rows: Row[] = [];
const tmp = mkdtempSync(join(os.tmpdir(), 'prefect-git-bench-'));
const home = join(tmp, 'home');
mkdirSync(home);

function record(row: Row): void {
  rows.push(row);
  const fmt = (n: number | null, digits = 0): string => (n === null ? '' : n.toFixed(digits));
  const samples = row.samples === undefined ? '' : ` (samples ${row.samples.join(', ')})`;
  console.error(`  ${row.scenario} [${row.mode}]: ${fmt(row.ms)} ms${samples}${row.requests === null ? '' : `, ${row.requests} requests`}${row.ratio === null ? '' : `, ${fmt(row.ratio, 2)}× ${row.idealMs === null ? 'node -e 0' : 'ideal'}`}`);
}

function check(run: Run, what: string): void {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.stderr.slice(-3000)}`);
}

/** Every generated file must load: exit 0 and "N flows read" with no errors. */
function checkInspect(run: Run, n: number, what: string): void {
  check(run, what);
  if (!run.stderr.includes(`\n${n} flows read\n`)) throw new Error(`${what}: expected "${n} flows read" and no errors:\n${run.stderr.slice(-2000)}`);
}

function repo(count: number): string {
  const root = join(tmp, `repo-${count}`);
  mkdirSync(root);
  return writeFlowsRepo(root, generateFlows(count, 1000 + count)).dir;
}

async function inspect(dir: string, n: number, bin: { bin: string; hook: string }): Promise<void> {
  const env = cliEnv(home);
  const inProc = await runInProcess(main, ['inspect'], dir, env);
  checkInspect(inProc, n, `inspect ${n}`);
  record({ scenario: `inspect ${n} files`, mode: 'in-process', ms: inProc.ms, flows: n, flowsPerSec: n / (inProc.ms / 1000), requests: null, rssMb: inProc.rssMb, idealMs: null, ratio: null, target: n === 1000 ? '< 2000 ms, RSS < 300 MB' : '(first run: modules, parser)', met: n === 1000 ? inProc.ms < 2000 && inProc.rssMb < 300 : null });
  if (n !== 1000) return;
  // A child run swings by a few hundred ms on a shared machine: the median of five, samples kept.
  const child = await medianRun(5, async () => {
    const run = await runChild([bin.bin, 'inspect'], { cwd: dir, env, hook: bin.hook, rssFile: join(tmp, 'rss') });
    checkInspect(run, n, `inspect ${n} (child)`);
    return run;
  });
  record({ scenario: `inspect ${n} files`, mode: 'child', ms: child.ms, flows: n, flowsPerSec: n / (child.ms / 1000), requests: null, rssMb: child.rssMb, idealMs: null, ratio: null, target: '< 2000 ms, RSS < 300 MB', met: child.ms < 2000 && child.rssMb < 300, samples: child.samples });
}

interface RegisterJson {
  summary: { registered: number; skipped: number; failed: number };
}

/** First registration of `n` flows into a fresh fake server; returns the run and requests sent. */
interface Registered {
  run: Run;
  requests: number;
  operations: Record<string, number>;
}

/** Requests by operation name, without the `PrefectGit` prefix. */
function byOperation(requests: ReadonlyArray<{ operationName: string | null }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const name = (r.operationName ?? '?').replace(/^PrefectGit/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

async function register(dir: string, n: number, latencyMs: number, runner: (argv: string[], env: Record<string, string>) => Promise<Run>): Promise<Registered & { again: () => Promise<Registered> }> {
  const fake = await startFakeServer({ latencyMs });
  addProject(fake.state, 'bench');
  const env = cliEnv(home, { PREFECT__BACKEND: 'server', PREFECT__SERVER__ENDPOINT: fake.url });
  const argv = ['register', '--json', '--project', 'bench', '--concurrency', String(CONCURRENCY)];
  const once = async (expected: keyof RegisterJson['summary']): Promise<Registered> => {
    const before = fake.requests.length;
    const run = await runner(argv, env);
    check(run, `register ${n} at ${latencyMs} ms`);
    const summary = (JSON.parse(run.stdout) as RegisterJson).summary;
    if (summary[expected] !== n) throw new Error(`register ${n}: expected ${n} ${expected}, got ${JSON.stringify(summary)}`);
    return { run, requests: fake.requests.length - before, operations: byOperation(fake.requests.slice(before)) };
  };
  const first = await once('registered');
  return {
    ...first,
    again: async () => {
      try {
        return await once('skipped');
      } finally {
        await fake.close();
      }
    },
  };
}

async function registrations(dir: string, n: number, bin: { bin: string; hook: string }, child: boolean): Promise<void> {
  const inProc = (argv: string[], env: Record<string, string>): Promise<Run> => runInProcess(main, argv, dir, env);
  const asChild = (argv: string[], env: Record<string, string>): Promise<Run> => runChild([bin.bin, ...argv], { cwd: dir, env, hook: bin.hook, rssFile: join(tmp, 'rss') });
  const modes: Array<['in-process' | 'child', typeof inProc]> = [['in-process', inProc]];
  if (child) modes.push(['child', asChild]);
  for (const [mode, runner] of modes) {
    const local = await register(dir, n, 0, runner);
    await local.again();
    record({ scenario: `register ${n} new, c=${CONCURRENCY}, 0 ms`, mode, ms: local.run.ms, flows: n, flowsPerSec: n / (local.run.ms / 1000), requests: local.requests, rssMb: local.run.rssMb, idealMs: null, ratio: null, target: '(local time)', met: null, operations: local.operations });
    const slow = await register(dir, n, 20, runner);
    // The ideal: round trips of the creates alone at full concurrency, plus the local time.
    const ideal = Math.ceil(n / CONCURRENCY) * 20 + local.run.ms;
    record({ scenario: `register ${n} new, c=${CONCURRENCY}, 20 ms`, mode, ms: slow.run.ms, flows: n, flowsPerSec: n / (slow.run.ms / 1000), requests: slow.requests, rssMb: slow.run.rssMb, idealMs: ideal, ratio: slow.run.ms / ideal, target: mode === 'child' ? '≤ 1.5× ideal, RSS < 300 MB' : '≤ 1.5× ideal (RSS: with the fake server)', met: slow.run.ms <= 1.5 * ideal && (mode !== 'child' || slow.run.rssMb < 300), operations: slow.operations });
    const again = await slow.again();
    record({ scenario: `re-register ${n} unchanged, 20 ms`, mode, ms: again.run.ms, flows: n, flowsPerSec: n / (again.run.ms / 1000), requests: again.requests, rssMb: again.run.rssMb, idealMs: null, ratio: null, target: mode === 'child' ? '≤ 3 requests, RSS < 300 MB' : '≤ 3 requests', met: again.requests <= 3 && (mode !== 'child' || again.run.rssMb < 300), operations: again.operations });
  }
}

async function startup(dir: string, bin: { bin: string; hook: string }): Promise<void> {
  const env = cliEnv(home);
  const runs = 9;
  const node = await medianRun(runs, () => runChild(['-e', '0'], { cwd: dir, env }));
  record({ scenario: 'node -e 0 (baseline)', mode: 'child', ms: node.ms, flows: null, flowsPerSec: null, requests: null, rssMb: null, idealMs: null, ratio: null, target: '', met: null, samples: node.samples });
  const cases: Array<[string, string[], number]> = [
    ['prefect-git --version', ['--version'], 150],
    ['prefect-git ref', ['ref'], 300],
  ];
  for (const [scenario, argv, target] of cases) {
    const run = await medianRun(runs, () => runChild([bin.bin, ...argv], { cwd: dir, env, hook: bin.hook, rssFile: join(tmp, 'rss') }));
    check(run, scenario);
    record({ scenario, mode: 'child', ms: run.ms, flows: null, flowsPerSec: null, requests: null, rssMb: run.rssMb, idealMs: null, ratio: run.ms / node.ms, target: `< ${target} ms (ratio: to node -e 0)`, met: run.ms < target, samples: run.samples });
  }
}

function table(): string {
  const head = ['scenario', 'mode', 'wall ms', 'flows/s', 'requests', 'peak RSS MB', 'ideal ms', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [
    r.scenario,
    r.mode,
    r.ms.toFixed(0),
    r.flowsPerSec === null ? '' : r.flowsPerSec.toFixed(0),
    r.requests === null ? '' : String(r.requests),
    r.rssMb === null ? '' : r.rssMb.toFixed(0),
    r.idealMs === null ? '' : r.idealMs.toFixed(0),
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function runBench(): Promise<void> {
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}`, loadavgStart: os.loadavg() };
  console.error(`machine: ${machine.cpus} cores (${machine.cpu}), node ${machine.node}, load average ${machine.loadavgStart.map((l) => l.toFixed(1)).join(' ')}`);
  console.error('building a private copy of the package in the bench work folder...');
  const bin = buildPackage(ROOT, WORK);
  main = await loadBuiltMain(bin);
  console.error('generating repositories (100, 500, 1000 flows)...');
  const repos = { 100: repo(100), 500: repo(500), 1000: repo(1000) };
  // The first run also loads the modules and the parser: it is the warm-up.
  await inspect(repos[100], 100, bin);
  await inspect(repos[1000], 1000, bin);
  await registrations(repos[500], 500, bin, false);
  await registrations(repos[1000], 1000, bin, true);
  await startup(repos[100], bin);
  const document = { when: new Date().toISOString(), machine: { ...machine, loadavgEnd: os.loadavg() }, concurrency: CONCURRENCY, rows };
  mkdirSync(RESULTS, { recursive: true });
  const json = JSON.stringify(document, null, 2);
  writeFileSync(join(RESULTS, `bench-${document.when.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(RESULTS, 'latest.json'), json);
  console.log(`\nprefect-git bench — ${machine.cpus} cores (${machine.cpu}), node ${machine.node}; load average ${machine.loadavgStart.map((l) => l.toFixed(1)).join(' ')} → ${document.machine.loadavgEnd.map((l) => l.toFixed(1)).join(' ')}`);
  console.log(table());
  console.log(`ideal = ceil(flows / ${CONCURRENCY}) × 20 ms + local time (the same run at 0 ms); results: bench/results/latest.json`);
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.operations === undefined) continue;
    const line = Object.entries(row.operations).map(([name, count]) => `${name} ${count}`).join(', ');
    if (!seen.has(row.scenario)) console.log(`requests of "${row.scenario}": ${line}`);
    seen.add(row.scenario);
  }
}

try {
  await runBench();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

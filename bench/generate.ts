/**
 * Deterministic flow repositories for the benchmarks: N flow files of 3–15 tasks each, with
 * parameters, schedules, run configs and a mix of the constructs the static loader reads
 * (decorated tasks with options, Task subclasses, loops, map/unmapped, case/merge,
 * upstream_tasks, imperative edges). Each repository is committed on `main` and pushed to a bare
 * origin; the origin's configured URL is a GitHub address and `url.<bare>.insteadOf` sends git's
 * own traffic to the bare repository, as test/e2e/flows-repo.ts does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GITHUB_URL = 'https://github.com/acme/data-flows.git';

/** mulberry32: a small seeded PRNG, so the same seed always gives the same repository. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

const TEAMS = ['finance', 'growth', 'ops', 'platform', 'risk', 'sales', 'search', 'support'];
const VERBS = ['extract', 'clean', 'enrich', 'join', 'score', 'aggregate', 'export', 'validate', 'dedupe', 'publish', 'sample', 'index'];
const NOUNS = ['orders', 'users', 'events', 'invoices', 'sessions', 'payments', 'tickets', 'metrics', 'leads', 'refunds'];
const ZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Tokyo'];

/** A Python literal for a parameter default (str, int, float, bool, list or dict). */
function literal(r: Rand, depth = 0): string {
  const kind = int(r, 0, depth > 0 ? 3 : 5);
  if (kind === 0) return JSON.stringify(pick(r, NOUNS));
  if (kind === 1) return String(int(r, 0, 5000));
  if (kind === 2) return `${int(r, 0, 99)}.${pick(r, ['0', '5', '25', '125'])}`;
  if (kind === 3) return pick(r, ['True', 'False', 'None']);
  if (kind === 4) return `[${Array.from({ length: int(r, 0, 4) }, () => literal(r, depth + 1)).join(', ')}]`;
  return `{${Array.from({ length: int(r, 1, 4) }, (_, i) => `"k${i}": ${literal(r, depth + 1)}`).join(', ')}}`;
}

function decorator(r: Rand, name: string): string {
  const options: string[] = [];
  if (r() < 0.3) options.push(`name="${name.replace(/_/g, ' ')}"`);
  if (r() < 0.35) options.push(`tags=[${Array.from({ length: int(r, 1, 3) }, () => `"${pick(r, NOUNS)}"`).join(', ')}]`);
  if (r() < 0.3) options.push(`max_retries=${int(r, 1, 5)}, retry_delay=timedelta(seconds=${int(r, 5, 120)})`);
  if (r() < 0.2) options.push(`timeout=${int(r, 30, 3600)}`);
  if (r() < 0.15) options.push('checkpoint=False');
  if (r() < 0.1) options.push('trigger=all_finished');
  return options.length === 0 ? '@task' : `@task(${options.join(', ')})`;
}

function schedule(r: Rand, params: readonly string[]): string | undefined {
  const kind = int(r, 0, 2);
  if (kind === 0) return undefined;
  const start = `start_date=pendulum.datetime(2023, ${int(r, 1, 12)}, ${int(r, 1, 28)}, ${int(r, 0, 23)}, tz="${pick(r, ZONES)}")`;
  if (kind === 1) return `Schedule(clocks=[IntervalClock(interval=timedelta(minutes=${int(r, 5, 240)}), ${start})])`;
  const defaults = params.length > 0 && r() < 0.5 ? `, parameter_defaults={"${params[0]!}": ${literal(r, 1)}}` : '';
  return `Schedule(clocks=[CronClock("${int(r, 0, 59)} ${int(r, 0, 23)} * * ${pick(r, ['*', '1-5', '0,6'])}", ${start}${defaults})])`;
}

function runConfig(r: Rand): string | undefined {
  const labels = `labels=[${Array.from({ length: int(r, 1, 3) }, () => `"${pick(r, ['k8s', 'prod', 'etl', 'docker', 'gpu'])}"`).join(', ')}]`;
  const env = `env={"STAGE": "${pick(r, ['prod', 'dev'])}", "LOG_LEVEL": "INFO"}`;
  switch (int(r, 0, 3)) {
    case 0:
      return undefined;
    case 1:
      return `UniversalRun(${labels}, ${env})`;
    case 2:
      return `KubernetesRun(image="ghcr.io/acme/flows:${int(r, 1, 9)}.${int(r, 0, 20)}.0", ${labels}, ${env}, cpu_request=${int(r, 1, 4)}.5, memory_limit="${int(r, 1, 8)}Gi")`;
    default:
      return `DockerRun(image="python:3.${int(r, 8, 11)}-slim", ${labels})`;
  }
}

/** One flow file: its Python source and the flow name it defines. */
export interface GeneratedFlow {
  path: string;
  name: string;
  source: string;
  tasks: number;
}

/** The source of flow number `index` (3–15 tasks; the count includes Parameters). */
export function generateFlow(index: number, r: Rand): GeneratedFlow {
  const team = pick(r, TEAMS);
  const noun = pick(r, NOUNS);
  const name = `${team}-${noun}-${String(index).padStart(4, '0')}`;
  const paramCount = int(r, 0, 3);
  const params = Array.from({ length: paramCount }, (_, i) => `${pick(r, ['limit', 'source', 'window', 'mode'])}_${i}`);
  const fnCount = int(r, 2, 6);
  const fns = Array.from({ length: fnCount }, (_, i) => `${pick(r, VERBS)}_${pick(r, NOUNS)}_${i}`);
  const useClass = r() < 0.3;
  const useMap = r() < 0.3;
  const useCase = r() < 0.2;
  const useLoop = r() < 0.25;
  const sched = schedule(r, params);
  const rc = runConfig(r);

  const head = [`"""Generated flow ${name}: ${noun} pipeline of the ${team} team."""`, 'from datetime import timedelta', ''];
  if (sched) head.push('import pendulum');
  head.push(`from prefect import ${['Flow', 'Parameter', 'task', ...(useClass ? ['Task'] : []), ...(useMap ? ['unmapped'] : []), ...(useCase ? ['case'] : [])].join(', ')}`);
  head.push('from prefect.triggers import all_finished');
  if (useCase) head.push('from prefect.tasks.control_flow import merge');
  if (sched) head.push('from prefect.schedules import Schedule', 'from prefect.schedules.clocks import CronClock, IntervalClock');
  if (rc) head.push(`from prefect.run_configs import ${rc.slice(0, rc.indexOf('('))}`);
  const body: string[] = ['', `TABLES = [${Array.from({ length: int(r, 2, 4) }, (_, i) => `"${noun}_${i}"`).join(', ')}]`, ''];
  for (const fn of fns) {
    body.push('', decorator(r, fn), `def ${fn}(value=None, extra=None):`, `    return [value, extra, "${fn}"]`, '');
  }
  if (useClass) {
    body.push('', 'class Sync(Task):', '    def __init__(self, table="t", **kwargs):', '        self.table = table', '        super().__init__(**kwargs)', '', '    def run(self, value=None):', '        return (self.table, value)', '');
  }
  body.push('', `with Flow("${name}"${sched ? ', schedule=SCHEDULE' : ''}) as flow:`);
  if (sched) body.splice(body.length - 1, 0, `SCHEDULE = ${sched}`, '');
  const results: string[] = [];
  let tasks = 0;
  for (const param of params) {
    body.push(`    ${param} = Parameter("${param}", default=${literal(r)})`);
    tasks += 1;
  }
  // A Parameter is a task of the flow only once a task uses it (as in Prefect), so every one is
  // used; tasks are then added until the flow has 3–13 of them, at most 15 with the last step.
  const target = int(r, 3, 13);
  const unused = [...params];
  let n = 0;
  const arg = (): string => unused.shift() ?? (results.length > 0 && r() < 0.8 ? results[int(r, Math.max(0, results.length - 3), results.length - 1)]! : literal(r, 1));
  if (useLoop && tasks + 3 <= target) {
    body.push('    previous = None', '    for table in TABLES[:2]:', `        step = ${fns[0]!}(table, upstream_tasks=[] if previous is None else [previous])`, '        previous = step');
    results.push('previous');
    tasks += 2;
  }
  if (useMap && tasks + 1 <= target) {
    body.push(`    mapped_${n} = ${fns[1]!}.map(TABLES, extra=unmapped(${arg()}))`);
    results.push(`mapped_${n++}`);
    tasks += 2; // the mapped task and the List task for TABLES
  }
  if (useCase && tasks + 4 <= target) {
    body.push(`    flag_${n} = ${fns[0]!}(${arg()})`, `    with case(flag_${n}, True):`, `        yes_${n} = ${fns[1]!}("yes")`, `    with case(flag_${n}, False):`, `        no_${n} = ${fns[1]!}("no")`, `    merged_${n} = merge(yes_${n}, no_${n})`);
    results.push(`merged_${n++}`);
    tasks += 6; // flag, 2 case tasks, yes, no, merge
  }
  if (useClass && tasks + 1 <= target) {
    body.push(`    synced_${n} = Sync(table="${noun}", name="sync-${noun}")(${arg()})`);
    results.push(`synced_${n++}`);
    tasks += 1;
  }
  while (tasks < target || unused.length > 0) {
    const fn = pick(r, fns);
    const upstream = results.length > 1 && r() < 0.2 ? `, upstream_tasks=[${results[0]!}]` : '';
    const first = arg();
    body.push(`    step_${n} = ${fn}(${first}, extra=${arg()}${upstream})`);
    results.push(`step_${n++}`);
    tasks += 1;
  }
  if (rc) body.push('', `flow.run_config = ${rc}`);
  const path = `flows/${team}/${name.replace(/-/g, '_')}.py`;
  return { path, name, source: [...head, ...body, ''].join('\n'), tasks };
}

/** `count` flow files from `seed`. */
export function generateFlows(count: number, seed = 42): GeneratedFlow[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i) => generateFlow(i, r));
}

/** Runs git with a pinned identity and no user or system config. */
export function git(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.toUpperCase().startsWith('GIT_')) env[key] = value;
  Object.assign(env, {
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  });
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A committed repository of the flows under `root/work`, pushed to `root/origin.git`. */
export function writeFlowsRepo(root: string, flows: readonly GeneratedFlow[]): { dir: string; origin: string } {
  const dir = join(root, 'work');
  const origin = join(root, 'origin.git');
  git(root, 'init', '-q', '--template=', '-b', 'main', dir);
  git(root, 'init', '-q', '--template=', '--bare', '-b', 'main', origin);
  git(dir, 'config', 'commit.gpgSign', 'false');
  git(dir, 'config', 'gc.auto', '0');
  for (const flow of flows) {
    mkdirSync(join(dir, flow.path, '..'), { recursive: true });
    writeFileSync(join(dir, flow.path), flow.source);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `${flows.length} flows`);
  git(dir, 'remote', 'add', 'origin', GITHUB_URL);
  git(dir, 'config', `url.${origin}.insteadOf`, GITHUB_URL);
  git(dir, 'push', '-q', 'origin', 'main');
  return { dir, origin };
}

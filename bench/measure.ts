/**
 * Measuring helpers for the benchmarks: the CLI in-process (wall time, sampled RSS) and the built
 * bin as a child process (wall time including Node's start-up, the child's own peak RSS).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { main as Main } from '../src/cli/main.js';

/** One CLI run as measured. */
export interface Run {
  code: number;
  ms: number;
  /** Peak resident set size in MB: sampled in-process, the child's own maxRSS for a child. */
  rssMb: number;
  stdout: string;
  stderr: string;
}

/** The environment the CLI sees: no ambient Prefect or prefect-git settings, a private HOME. */
export function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...extra };
}

/** The CLI's `main` as built into the private package (see buildPackage), not the TypeScript sources. */
export type MainFn = typeof Main;

/** Loads `main` from the private package, so in-process figures are of the JavaScript users run. */
export async function loadBuiltMain(bin: { main: string }): Promise<MainFn> {
  return ((await import(pathToFileURL(bin.main).href)) as { main: MainFn }).main;
}

/**
 * Runs `main()` in this process. RSS is sampled every 5 ms (timers fire between files, as the
 * loaders await per file), so the figure is the process peak during the run, server included.
 */
export async function runInProcess(main: MainFn, argv: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env,
    cwd,
    stderrIsTTY: false,
    home: env.HOME,
  });
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { code, ms, rssMb: peak / 2 ** 20, stdout, stderr };
}

/**
 * A private build of the package (its own dist/, bin/, grammars/) under bench/work, so the
 * figures are of this working tree and a concurrent `npm run build` elsewhere cannot pull dist/
 * away mid-run. Returns the paths of the bin, of the RSS hook the children preload, and of the
 * built `main` for in-process runs.
 */
export function buildPackage(root: string, work: string): { bin: string; hook: string; main: string } {
  const pkg = join(work, 'pkg');
  rmSync(pkg, { recursive: true, force: true });
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], {
    stdio: 'inherit',
  });
  cpSync(join(root, 'bin', 'prefect-git.js'), join(pkg, 'bin', 'prefect-git.js'));
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(root, 'grammars'), join(pkg, 'grammars'), { recursive: true });
  // Preloaded with --import: writes the child's own peak RSS (KB) where BENCH_RSS_FILE says.
  // Linux keeps getrusage's maxrss across exec, so a child forked from this big process would
  // report the parent's size: VmHWM of /proc/self/status is the peak of the child's own memory.
  const hook = join(work, 'rss-hook.mjs');
  writeFileSync(
    hook,
    [
      "import { readFileSync, writeFileSync } from 'node:fs';",
      'function peakKb() {',
      "  try { const m = /^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8')); if (m) return Number(m[1]); } catch {}",
      '  return process.resourceUsage().maxRSS;',
      '}',
      "process.on('exit', () => { if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(peakKb())); });",
      '',
    ].join('\n'),
  );
  return { bin: join(pkg, 'bin', 'prefect-git.js'), hook, main: join(pkg, 'dist', 'cli', 'main.js') };
}

/** Runs `node [--import hook] <args>` and measures wall time from spawn to exit. */
export function runChild(args: string[], options: { cwd: string; env: Record<string, string>; hook?: string; rssFile?: string }): Promise<Run> {
  const nodeArgs = options.hook === undefined ? args : ['--import', options.hook, ...args];
  const env = options.rssFile === undefined ? options.env : { ...options.env, BENCH_RSS_FILE: options.rssFile };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, nodeArgs, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let rssMb = 0;
      if (options.rssFile !== undefined) {
        try {
          rssMb = Number(readFileSync(options.rssFile, 'utf8')) / 1024;
        } catch {
          rssMb = Number.NaN;
        }
      }
      resolve({ code: code ?? -1, ms, rssMb, stdout, stderr });
    });
  });
}

/** The median of the values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `once` `n` times and keeps the run with the median wall time. */
export async function medianRun(n: number, once: () => Promise<Run>): Promise<Run & { samples: number[] }> {
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) runs.push(await once());
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const chosen = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...chosen, ms: median(runs.map((run) => run.ms)), samples: runs.map((run) => Math.round(run.ms)) };
}

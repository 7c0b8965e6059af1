import { spawn, type ChildProcess } from 'node:child_process';
import { platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PrefectGitError } from '../../errors.js';
import { parseHelperEvent, type HelperEvent } from './protocol.js';

/**
 * The helper script shipped in the package's `python/` folder. The build maps `src/` to `dist/`
 * at the same depth, so the same relative URL works from `src/flows/python/` and
 * `dist/flows/python/`.
 */
export function helperScriptPath(): string {
  return fileURLToPath(new URL('../../../python/prefect_git_loader.py', import.meta.url));
}

/** Environment variables as the library receives them (never `process.env` itself). */
export type Env = Readonly<Record<string, string | undefined>>;

export interface RunHelperOptions {
  /** The interpreter to spawn (a path). */
  command: string;
  /** Arguments after the helper script's path (e.g. `--probe`). */
  args: string[];
  cwd: string;
  env: Env;
  /** The request line written to stdin; stdin then stays open until `done`, `fatal` or the end. */
  input?: string | undefined;
  timeoutMs: number;
  onEvent: (event: HelperEvent) => void;
  onStderr?: ((text: string) => void) | undefined;
}

/** How a helper run ended. */
export interface HelperRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The file of the last `file` event: what was loading when the run ended. */
  lastFile: string | undefined;
  /** A bad stdout line (the run was killed when it arrived). */
  protocolError: string | undefined;
  /** The last few KB of stderr (user prints, warnings, a Python crash). */
  stderrTail: string;
}

const STDERR_TAIL = 8 * 1024;

/**
 * Runs the helper once and streams its events to `onEvent`.
 *
 * @returns how the run ended; a timeout or a bad line kills the whole process tree first.
 * @throws PrefectGitError E_PYTHON when the interpreter cannot be started at all.
 */
export function runHelper(options: RunHelperOptions): Promise<HelperRun> {
  const windows = platform() === 'win32';
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(options.command, [helperScriptPath(), ...options.args], {
        cwd: options.cwd,
        env: { ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group, so a timeout can kill what the flow file started too.
        detached: !windows,
        windowsHide: true,
      });
    } catch (error) {
      reject(spawnError(options.command, error));
      return;
    }
    const run: HelperRun = {
      exitCode: null,
      signal: null,
      timedOut: false,
      lastFile: undefined,
      protocolError: undefined,
      stderrTail: '',
    };
    let exited = false;
    let stdoutEnded = false;
    let settled = false;
    const finish = (): void => {
      if (settled || !exited || !stdoutEnded) return;
      settled = true;
      clearTimeout(timer);
      // A grandchild may still hold stderr open; what it writes later is of no interest.
      child.stderr?.destroy();
      resolve(run);
    };
    const timer = setTimeout(() => {
      run.timedOut = true;
      killTree(child, windows);
    }, options.timeoutMs);

    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(spawnError(options.command, error));
    });
    child.on('exit', (code, signal) => {
      exited = true;
      run.exitCode = code;
      run.signal = signal;
      finish();
    });

    // EPIPE when the helper dies before reading: the exit status tells the story.
    child.stdin?.on('error', () => undefined);
    if (options.input === undefined) child.stdin?.end();
    else child.stdin?.write(options.input + '\n');

    let pending = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (run.protocolError !== undefined || line.trim() === '') continue;
        let event: HelperEvent;
        try {
          event = parseHelperEvent(line);
        } catch (error) {
          run.protocolError = `${(error as Error).message} in ${JSON.stringify(line.slice(0, 200))}`;
          killTree(child, windows);
          continue;
        }
        if (event.event === 'file') run.lastFile = event.file;
        if (event.event === 'done' || event.event === 'fatal') child.stdin?.end();
        options.onEvent(event);
      }
    });
    child.stdout?.on('end', () => {
      stdoutEnded = true;
      finish();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      run.stderrTail = (run.stderrTail + chunk).slice(-STDERR_TAIL);
      options.onStderr?.(chunk);
    });
  });
}

/** Kills the helper and everything it started (its process group; `taskkill /T` on Windows). */
function killTree(child: ChildProcess, windows: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (windows) {
    const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    killer.on('error', () => child.kill('SIGKILL'));
    return;
  }
  try {
    // A negative pid addresses the group the detached helper leads; child.kill() cannot do that.
    process.kill(-pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function spawnError(command: string, error: unknown): PrefectGitError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : `could not be started (${code ?? String(error)})`;
  return new PrefectGitError('E_PYTHON', `Python interpreter '${command}' ${why}`, {
    hint: 'Pass --python (or set PREFECT_GIT_PYTHON to) the python of an environment with Prefect 1.x, or use the static loader (--loader static).',
    cause: error,
    details: { python: command },
  });
}

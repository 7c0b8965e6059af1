import { constants } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { platform } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { PrefectGitError } from '../../errors.js';
import type { FatalEvent, HelloEvent } from './protocol.js';
import { runHelper, type Env } from './run-helper.js';

/** Where the interpreter came from, in the order they are tried. */
export type PythonSource = 'option' | 'env' | 'venv' | 'path';

/** A Python interpreter chosen for the python loader (not yet known to have Prefect). */
export interface PythonInterpreter {
  /** What is spawned: an absolute path, or a path as the user gave it. */
  command: string;
  source: PythonSource;
  /** For messages: `--python`, `PREFECT_GIT_PYTHON`, `.venv/bin/python`, `python3 on PATH`. */
  origin: string;
}

/** An interpreter that imported Prefect 1.x. */
export interface ProbedPython extends PythonInterpreter {
  /** `sys.executable` (the real binary behind a venv link or a wrapper script). */
  executable: string;
  pythonVersion: string;
  prefectVersion: string;
}

export interface FindPythonOptions {
  /** `--python PATH` (a path, or a command name looked up on PATH). */
  python?: string | undefined;
  env: Env;
  /** Absolute repository root: `.venv/` and `venv/` are looked for here. */
  repoRoot: string;
  /** Folder a relative `--python`/`PREFECT_GIT_PYTHON` is resolved against (default: repoRoot). */
  cwd?: string | undefined;
}

const VENV_CANDIDATES = [
  ['.venv', 'bin', 'python'],
  ['.venv', 'Scripts', 'python.exe'],
  ['venv', 'bin', 'python'],
  ['venv', 'Scripts', 'python.exe'],
] as const;

/**
 * Chooses the interpreter without running anything: `--python`, else `PREFECT_GIT_PYTHON`, else
 * `<repoRoot>/.venv` or `venv` (bin/python, Scripts\python.exe), else `python3`, else `python`
 * on the PATH of `env`.
 *
 * @returns the interpreter and where it came from.
 * @throws PrefectGitError E_PYTHON when the given one does not exist or none is found.
 */
export async function resolvePythonInterpreter(options: FindPythonOptions): Promise<PythonInterpreter> {
  const base = options.cwd ?? options.repoRoot;
  const given: [string | undefined, PythonSource, string][] = [
    [options.python, 'option', '--python'],
    [options.env.PREFECT_GIT_PYTHON, 'env', 'PREFECT_GIT_PYTHON'],
  ];
  for (const [value, source, origin] of given) {
    if (value === undefined || value === '') continue;
    const isPath = value.includes('/') || value.includes('\\') || isAbsolute(value);
    const command = isPath ? resolve(base, value) : await findOnPath(value, options.env);
    if (command === undefined || !(await isFile(command))) {
      throw new PrefectGitError(
        'E_PYTHON',
        isPath ? `Python interpreter '${value}' (from ${origin}) does not exist` : `'${value}' (from ${origin}) is not on PATH`,
        { hint: `Give ${origin} the path of the python inside an environment with Prefect 1.x (e.g. .venv/bin/python).`, details: { python: value } },
      );
    }
    return { command, source, origin };
  }
  for (const parts of VENV_CANDIDATES) {
    const candidate = join(options.repoRoot, ...parts);
    if (await isFile(candidate)) return { command: candidate, source: 'venv', origin: parts.join('/') };
    if (await exists(candidate)) {
      // A venv whose base Python is gone: falling back to python3 would only confuse.
      throw new PrefectGitError('E_PYTHON', `${parts.join('/')} is a broken link (its base Python is gone)`, {
        hint: 'Recreate the virtual environment, or pass --python.',
        details: { python: candidate },
      });
    }
  }
  for (const name of ['python3', 'python']) {
    const found = await findOnPath(name, options.env);
    if (found !== undefined) return { command: found, source: 'path', origin: `${name} on PATH` };
  }
  throw new PrefectGitError('E_PYTHON', 'No Python interpreter found (no --python, PREFECT_GIT_PYTHON, .venv or venv, python3 or python on PATH)', {
    hint: 'Pass --python with the python of an environment that has Prefect 1.x, or use the static loader (--loader static).',
  });
}

/**
 * Chooses the interpreter like `resolvePythonInterpreter`, then runs the helper's `--probe`
 * (one short process) to check that it imports Prefect 1.x.
 *
 * @returns the interpreter with its Python and Prefect versions.
 * @throws PrefectGitError E_PYTHON (missing, not runnable, timed out) or E_PREFECT (no Prefect,
 *   Prefect 2/3, broken Prefect).
 */
export async function findPythonInterpreter(options: FindPythonOptions & { timeoutMs?: number | undefined }): Promise<ProbedPython> {
  const interpreter = await resolvePythonInterpreter(options);
  let hello: HelloEvent | undefined;
  let fatal: FatalEvent | undefined;
  const run = await runHelper({
    command: interpreter.command,
    args: ['--probe'],
    cwd: options.repoRoot,
    env: options.env,
    timeoutMs: options.timeoutMs ?? 60_000,
    onEvent: (event) => {
      if (event.event === 'hello') hello = event;
      if (event.event === 'fatal') fatal = event;
    },
  });
  if (fatal !== undefined) throw fatalError(interpreter, fatal);
  if (hello === undefined) throw helperFailed(interpreter, run.stderrTail, run.exitCode, run.timedOut ? 'timed out while importing Prefect' : undefined);
  return probed(interpreter, hello);
}

/** The interpreter plus what its hello event said. */
export function probed(interpreter: PythonInterpreter, hello: HelloEvent): ProbedPython {
  return { ...interpreter, executable: hello.executable, pythonVersion: hello.python, prefectVersion: hello.prefect };
}

const INSTALL = 'pip install "prefect[git]<2"';

/** Turns the helper's `fatal` event into the error the user sees. */
export function fatalError(interpreter: PythonInterpreter, fatal: FatalEvent): PrefectGitError {
  const who = `${interpreter.command} (${interpreter.origin})`;
  const details = { python: interpreter.command, kind: fatal.kind };
  switch (fatal.kind) {
    case 'no-prefect':
      return new PrefectGitError('E_PREFECT', `Prefect is not installed for ${who}`, {
        hint: `Install Prefect 1.x into that environment (${interpreter.command} -m ${INSTALL}), point --python at one that has it, or use the static loader (--loader static).`,
        details,
      });
    case 'prefect-version': {
      const version = fatal.version ?? '?';
      const major = Number(version.split('.')[0]);
      const message =
        major >= 2
          ? `${who} has Prefect ${version}: prefect-git registers Prefect 1.x flows, and Prefect ${major} does not use \`prefect register\` or flows of this kind`
          : `${who} has Prefect ${version}; the python loader needs Prefect 1.x`;
      return new PrefectGitError('E_PREFECT', message, {
        hint: `Point --python (or PREFECT_GIT_PYTHON) at an environment with Prefect 1.x (${INSTALL}), or use the static loader (--loader static).`,
        details: { ...details, prefectVersion: version },
      });
    }
    case 'prefect-broken':
      return new PrefectGitError('E_PREFECT', `Importing Prefect failed for ${who}: ${fatal.message ?? ''}`, {
        hint: `Repair that environment (${interpreter.command} -m ${INSTALL}), or use the static loader (--loader static).`,
        details,
      });
    case 'python-version':
      return new PrefectGitError('E_PYTHON', `${who} is Python ${fatal.message ?? '?'}; the python loader needs Python 3.7+`, {
        hint: 'Pass --python with the python of an environment that has Prefect 1.x.',
        details,
      });
    default:
      return new PrefectGitError('E_INTERNAL', `The python loader's helper refused to run: ${fatal.kind}: ${fatal.message ?? ''}`, {
        hint: 'This is a bug in prefect-git; rerun with --debug and report it.',
        details,
      });
  }
}

/** The helper ended without a word on stdout: not a working Python 3 (or it crashed). */
export function helperFailed(interpreter: PythonInterpreter, stderrTail: string, exitCode: number | null, what?: string): PrefectGitError {
  const lastLine = stderrTail.trim().split('\n').pop()?.trim();
  return new PrefectGitError(
    'E_PYTHON',
    `${interpreter.command} (${interpreter.origin}) could not run prefect-git's helper: ${what ?? `exit code ${String(exitCode)}`}${lastLine ? ` (${lastLine})` : ''}`,
    { hint: 'Check that it is a Python 3.7+ interpreter with Prefect 1.x; rerun with --debug to see its output.', details: { python: interpreter.command, stderr: stderrTail } },
  );
}

async function findOnPath(name: string, env: Env): Promise<string | undefined> {
  const windows = platform() === 'win32';
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((dir) => dir !== '');
  const exts = windows ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (await isExecutableFile(candidate, windows)) return candidate;
    }
  }
  return undefined;
}

async function isExecutableFile(path: string, windows: boolean): Promise<boolean> {
  if (!(await isFile(path))) return false;
  if (windows) return true;
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

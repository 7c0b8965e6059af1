/**
 * Interpreter discovery and the Prefect checks. Fake interpreters are small shell wrappers around
 * the machine's python3; `prefect` is a STAND-IN (not Prefect) put on PYTHONPATH.
 */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { findPythonInterpreter, loadFlowsPython, resolvePythonInterpreter } from '../../src/flows/python/index.js';
import { envWith, PYTHON3, REPO, STAND_IN, STAND_IN_BROKEN, STAND_IN_PREFECT2, STORAGE } from './helpers.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'prefect-git-interp-'));
}

/** An executable shell script at `path` that runs the real python3 (optionally with a PYTHONPATH). */
function wrapper(path: string, pythonPath?: string, body?: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  const env = pythonPath === undefined ? '' : `PYTHONPATH='${pythonPath}' `;
  writeFileSync(path, `#!/bin/sh\n${body ?? `${env}exec '${PYTHON3}' "$@"`}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<PrefectGitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrefectGitError);
  return error as PrefectGitError;
}

describe('resolvePythonInterpreter: --python, PREFECT_GIT_PYTHON, .venv, venv, python3, python', () => {
  it('tries each source in order', async () => {
    const root = tempDir();
    const bin = join(root, 'bin');
    const custom = wrapper(join(root, 'custom', 'python'));
    const fromEnv = wrapper(join(root, 'from-env', 'python'));
    wrapper(join(bin, 'python3'));
    wrapper(join(bin, 'python'));
    const env = { PATH: bin, PREFECT_GIT_PYTHON: fromEnv };

    wrapper(join(root, 'venv', 'bin', 'python')); // .venv wins over venv
    const dotVenv = wrapper(join(root, '.venv', 'bin', 'python'));
    expect(await resolvePythonInterpreter({ python: custom, env, repoRoot: root })).toMatchObject({ command: custom, source: 'option' });
    expect(await resolvePythonInterpreter({ env, repoRoot: root })).toMatchObject({ command: fromEnv, source: 'env' });
    expect(await resolvePythonInterpreter({ env: { PATH: bin }, repoRoot: root })).toMatchObject({
      command: dotVenv,
      source: 'venv',
      origin: '.venv/bin/python',
    });
    const onlyVenv = tempDir();
    symlinkSync(join(root, 'venv'), join(onlyVenv, 'venv'));
    expect(await resolvePythonInterpreter({ env: { PATH: bin }, repoRoot: onlyVenv })).toMatchObject({
      command: join(onlyVenv, 'venv', 'bin', 'python'),
      source: 'venv',
    });

    const bare = tempDir();
    expect(await resolvePythonInterpreter({ env: { PATH: bin }, repoRoot: bare })).toEqual({
      command: join(bin, 'python3'),
      source: 'path',
      origin: 'python3 on PATH',
    });
    const onlyPython = join(tempDir(), 'bin');
    wrapper(join(onlyPython, 'python'));
    expect(await resolvePythonInterpreter({ env: { PATH: `${join(bare, 'empty')}:${onlyPython}` }, repoRoot: bare })).toMatchObject({
      command: join(onlyPython, 'python'),
      origin: 'python on PATH',
    });
  });

  it('resolves a relative --python against cwd and looks a bare name up on PATH', async () => {
    const root = tempDir();
    const python = wrapper(join(root, 'envs', 'p1', 'python'));
    expect((await resolvePythonInterpreter({ python: 'envs/p1/python', env: {}, repoRoot: '/', cwd: root })).command).toBe(python);
    expect((await resolvePythonInterpreter({ python: 'python', env: { PATH: join(root, 'envs', 'p1') }, repoRoot: root })).command).toBe(python);
  });

  it('fails with E_PYTHON when nothing is there or the given one is missing', async () => {
    const root = tempDir();
    const none = await rejection(resolvePythonInterpreter({ env: { PATH: join(root, 'nothing') }, repoRoot: root }));
    expect(none.code).toBe('E_PYTHON');
    expect(none.message).toMatch(/No Python interpreter found/);
    const missing = await rejection(resolvePythonInterpreter({ python: '/no/such/python', env: {}, repoRoot: root }));
    expect(missing.message).toBe("Python interpreter '/no/such/python' (from --python) does not exist");
    const notOnPath = await rejection(resolvePythonInterpreter({ env: { PREFECT_GIT_PYTHON: 'python9.9' }, repoRoot: root }));
    expect(notOnPath.message).toBe("'python9.9' (from PREFECT_GIT_PYTHON) is not on PATH");
    mkdirSync(join(root, '.venv', 'bin'), { recursive: true });
    symlinkSync('/no/such/base/python3', join(root, '.venv', 'bin', 'python'));
    const broken = await rejection(resolvePythonInterpreter({ env: {}, repoRoot: root }));
    expect(broken.message).toMatch(/\.venv\/bin\/python is a broken link/);
  });
});

describe('the Prefect check (probe, or folded into the run)', () => {
  it('accepts Prefect 1.x and reports the versions', async () => {
    const found = await findPythonInterpreter({ python: PYTHON3, env: envWith(STAND_IN), repoRoot: REPO });
    expect(found).toMatchObject({ command: PYTHON3, source: 'option', prefectVersion: '1.4.1' });
    expect(found.pythonVersion).toMatch(/^3\.\d+\.\d+/);
  });

  it('uses the .venv python (a wrapper that alone knows where prefect is)', async () => {
    const root = tempDir();
    wrapper(join(root, '.venv', 'bin', 'python'), STAND_IN);
    mkdirSync(join(root, 'flows'));
    writeFileSync(join(root, 'flows', 'one.py'), 'from prefect import Flow\nflow = Flow("one")\n');
    const result = await loadFlowsPython({ repoRoot: root, files: ['flows/one.py'], env: envWith(undefined), storage: STORAGE });
    expect(result.errors).toEqual([]);
    expect(result.flows.map((f) => f.name)).toEqual(['one']);
    expect(result.interpreter).toMatchObject({ source: 'venv', origin: '.venv/bin/python' });
  });

  it('says Prefect 2/3 do not register flows of this kind (E_PREFECT)', async () => {
    for (const run of [
      () => findPythonInterpreter({ python: PYTHON3, env: envWith(STAND_IN_PREFECT2), repoRoot: REPO }),
      () => loadFlowsPython({ repoRoot: REPO, files: ['flows/unicode.py'], python: PYTHON3, env: envWith(STAND_IN_PREFECT2), storage: STORAGE }),
    ]) {
      const error = await rejection(run());
      expect(error.code).toBe('E_PREFECT');
      expect(error.message).toContain('has Prefect 2.10.0');
      expect(error.message).toContain('Prefect 2 does not use `prefect register` or flows of this kind');
      expect(error.hint).toContain('"prefect[git]<2"');
    }
  });

  it('names the interpreter and the fix when Prefect is missing (E_PREFECT)', async () => {
    // The machine's python3 has no prefect; without a PYTHONPATH the stand-in is not visible.
    const error = await rejection(findPythonInterpreter({ python: PYTHON3, env: envWith(undefined), repoRoot: REPO }));
    expect(error.code).toBe('E_PREFECT');
    expect(error.message).toBe(`Prefect is not installed for ${PYTHON3} (--python)`);
    expect(error.hint).toBe(
      `Install Prefect 1.x into that environment (${PYTHON3} -m pip install "prefect[git]<2"), point --python at one that has it, or use the static loader (--loader static).`,
    );
  });

  it('tells a broken Prefect from a missing one', async () => {
    const error = await rejection(findPythonInterpreter({ python: PYTHON3, env: envWith(STAND_IN_BROKEN), repoRoot: REPO }));
    expect(error.code).toBe('E_PREFECT');
    expect(error.message).toMatch(/Importing Prefect failed .*ModuleNotFoundError: No module named 'marshmallow_stand_in/);
  });

  it('fails with E_PYTHON for something that is not a working python', async () => {
    const root = tempDir();
    const fake = wrapper(join(root, 'python'), undefined, 'echo "this is not python" >&2; exit 9');
    const error = await rejection(findPythonInterpreter({ python: fake, env: {}, repoRoot: root }));
    expect(error.code).toBe('E_PYTHON');
    expect(error.message).toBe(`${fake} (--python) could not run prefect-git's helper: exit code 9 (this is not python)`);
    const notExecutable = join(root, 'plain');
    writeFileSync(notExecutable, 'not a program');
    const denied = await rejection(findPythonInterpreter({ python: notExecutable, env: {}, repoRoot: root }));
    expect(denied.message).toBe(`Python interpreter '${notExecutable}' is not executable`);
  });
});

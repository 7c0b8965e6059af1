// The runtime-image Makefile (flows-example/runtime) checked with `make -n`: each target's docker
// commands are printed, never run. A `docker` (and `hadolint`) stand-in first on PATH records any
// call, and every test checks that it was never called.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const RUNTIME = fileURLToPath(new URL('../../flows-example/runtime/', import.meta.url));
const OVERRIDES = ['TARGET_IMAGE_NAME=reg.example/x', 'BUILD_TAG=v9', 'DOCKER_BUILD_ARGS=--pull'];
const TARGETS = ['style-check', 'python-pkg-refresh', 'build', 'smoke-test', 'push'];

const shims = mkdtempSync(join(tmpdir(), 'prefect-git-runtime-shims-'));
const called = join(shims, 'called.log');
for (const tool of ['docker', 'hadolint']) {
  writeFileSync(join(shims, tool), `#!/bin/sh\necho "${tool} $*" >> "${called}"\nexit 97\n`);
  chmodSync(join(shims, tool), 0o755);
}
afterAll(() => rmSync(shims, { recursive: true, force: true }));

/** This process's env without anything the Makefile reads, the stand-ins first on PATH. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const {
    TARGET_IMAGE_NAME: _name,
    BUILD_TAG: _tag,
    DOCKER_BUILD_ARGS: _args,
    PYTHON_PKG_VERSIONS: _versions,
    DOCKER: _docker,
    HADOLINT: _hadolint,
    IMAGE_REVISION: _revision,
    MAKEFLAGS: _makeflags,
    MFLAGS: _mflags,
    MAKELEVEL: _makelevel,
    ...rest
  } = process.env;
  return { ...rest, PATH: [shims, rest.PATH ?? ''].join(delimiter), ...extra };
}

/**
 * `make -n ARGS` in the runtime folder: the printed commands, continuation lines joined and runs of
 * blanks made one. Fails the test if any docker or hadolint command actually ran.
 */
function dryRun(args: string[], env: Record<string, string> = { BUILD_TAG: 'v9' }): string[] {
  const out = execFileSync('make', ['--no-print-directory', '-n', ...args], {
    cwd: RUNTIME,
    env: cleanEnv(env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(existsSync(called) ? readFileSync(called, 'utf8') : '').toBe('');
  return out
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

/** The line that starts with PREFIX; fails when there is none. */
function lineStarting(lines: readonly string[], prefix: string): string {
  const line = lines.find((candidate) => candidate.startsWith(prefix));
  expect(line, `no line starts with "${prefix}" in:\n${lines.join('\n')}`).toBeDefined();
  return line ?? '';
}

describe('Makefile (make -n)', () => {
  it('declares every target phony', () => {
    const phony = readFileSync(join(RUNTIME, 'Makefile'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('.PHONY:'))
      .flatMap((line) => line.slice('.PHONY:'.length).trim().split(/\s+/));
    expect(phony).toEqual(expect.arrayContaining(TARGETS));
  });

  it('build: builds target-image tagged TARGET_IMAGE_NAME:BUILD_TAG from the runtime folder', () => {
    const lines = dryRun(['build']);
    expect(lines).toHaveLength(1);
    const build = lineStarting(lines, 'docker build --target target-image ');
    expect(build).toContain(' --tag acme/flows-runtime:v9 ');
    expect(build).toContain(' --build-arg PYTHON_PKG_VERSIONS=pinned ');
    expect(build).toContain(' --build-arg IMAGE_VERSION=v9 ');
    expect(build.endsWith(' .')).toBe(true);
  });

  it('build: is the default goal', () => {
    expect(dryRun([])).toEqual(dryRun(['build']));
  });

  it('build: takes the overrides from the command line', () => {
    const build = lineStarting(dryRun(['build', ...OVERRIDES]), 'docker build --target target-image ');
    expect(build).toContain(' --pull ');
    expect(build).toContain(' --tag reg.example/x:v9 ');
    expect(build).not.toContain('acme/flows-runtime');
  });

  it('build: takes the overrides from the environment, as CI may set them', () => {
    const env = { TARGET_IMAGE_NAME: 'reg.example/x', BUILD_TAG: 'v9', DOCKER_BUILD_ARGS: '--pull' };
    const build = lineStarting(dryRun(['build'], env), 'docker build --target target-image ');
    expect(build).toContain(' --pull ');
    expect(build).toContain(' --tag reg.example/x:v9 ');
  });

  it('build: PYTHON_PKG_VERSIONS=refresh picks the refresh stage', () => {
    const build = lineStarting(dryRun(['build', 'PYTHON_PKG_VERSIONS=refresh']), 'docker build --target target-image ');
    expect(build).toContain(' --build-arg PYTHON_PKG_VERSIONS=refresh ');
  });

  it('BUILD_TAG: defaults to git describe --tags --always (else latest)', () => {
    let expected: string;
    try {
      expected = execFileSync('git', ['-C', RUNTIME, 'describe', '--tags', '--always'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim()
        .replaceAll('/', '-');
    } catch {
      expected = 'latest';
    }
    expect(dryRun(['push'], {})).toEqual([`docker push acme/flows-runtime:${expected}`]);
    expect(expected).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });

  it('BUILD_TAG: an empty one stops make with a message', () => {
    expect(() => dryRun(['push'], { BUILD_TAG: '' })).toThrow(/BUILD_TAG is empty/);
  });

  it('push: pushes TARGET_IMAGE_NAME:BUILD_TAG', () => {
    expect(dryRun(['push'])).toEqual(['docker push acme/flows-runtime:v9']);
    expect(dryRun(['push', ...OVERRIDES])).toEqual(['docker push reg.example/x:v9']);
  });

  it('smoke-test: builds the smoke-test stage, with the extra build args', () => {
    const lines = dryRun(['smoke-test', ...OVERRIDES]);
    expect(lines).toHaveLength(1);
    const build = lineStarting(lines, 'docker build --target smoke-test ');
    expect(build).toContain(' --pull ');
    expect(build.endsWith(' .')).toBe(true);
  });

  it('CI sequence: build, smoke-test and push, in that order', () => {
    const lines = dryRun(['build', 'smoke-test', 'push', ...OVERRIDES]);
    expect(lines.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      'docker build --target',
      'docker build --target',
      'docker push reg.example/x:v9',
    ]);
    expect(lines[0]).toContain('--target target-image');
    expect(lines[1]).toContain('--target smoke-test');
  });

  it('python-pkg-refresh: builds the refresh stage, copies the lock out of a container, removes both', () => {
    const lines = dryRun(['python-pkg-refresh', ...OVERRIDES]);
    const build = lineStarting(lines, 'docker build --target python-pkg-refresh ');
    expect(build).toContain(' --pull ');
    const image = / --tag (\S+) /.exec(build)?.[1] ?? '';
    expect(image).not.toBe('');

    const create = lineStarting(lines, 'docker create ');
    const container = /^docker create --name (\S+) (\S+)$/.exec(create);
    expect(container?.[2]).toBe(image);
    const name = container?.[1] ?? '?';

    const script = lines.join('\n');
    const cp = new RegExp(`docker cp ${name}:(\\S+) (\\S+)`).exec(script);
    expect(cp).not.toBeNull();
    const rm = script.indexOf(`docker rm ${name}`);
    const rmi = script.indexOf(`docker rmi ${image}`);
    expect(script.indexOf('docker create')).toBeLessThan(cp?.index ?? -1);
    expect(cp?.index ?? -1).toBeLessThan(rm);
    expect(rm).toBeLessThan(rmi);

    // The path copied out is the one the refresh stage writes, and it lands in requirements.lock.
    const inImage = cp?.[1] ?? '?';
    const dockerfile = readFileSync(join(RUNTIME, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`> ${inImage}`);
    expect(script).toMatch(new RegExp(`mv ${(cp?.[2] ?? '?').replace(/[.]/g, '\\.')} \\./requirements\\.lock`));
  });

  it('style-check: lints the Dockerfile with hadolint', () => {
    const script = dryRun(['style-check']).join('\n');
    expect(script).toContain('hadolint ./Dockerfile');
    expect(script).toMatch(/docker run --rm -i hadolint\/hadolint:v[0-9.]+ < \.\/Dockerfile/);
  });
});

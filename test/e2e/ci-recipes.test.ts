/**
 * Every `prefect-git ...` line in the CI recipes must be accepted by the CLI's own commander
 * program: same commands, same options, same choices. The actions are replaced by no-ops, so
 * nothing runs; an unknown option, command or choice throws like it would in CI.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program.js';
import { Output } from '../../src/cli/output.js';
import type { CliIO } from '../../src/cli/io.js';
import { patternRegex } from '../../src/prune/plan.js';
import { expandProjectName } from '../../src/register/project-name.js';
import { prefectGitArgs, shellCommands } from './shell-words.js';

const dir = new URL('../../flows-example/ci/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

/** Strings under the keys that hold shell scripts (GitHub `run`, GitLab `script` & co.). */
function scripts(node: unknown, key = ''): string[] {
  if (typeof node === 'string') return ['run', 'script', 'before_script', 'after_script'].includes(key) ? [node] : [];
  if (Array.isArray(node)) return node.flatMap((item) => scripts(item, key));
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => scripts(v, k));
  return [];
}

/** Shell strings of `sh '...'` / `sh "..."` / `sh """..."""` steps in a Jenkinsfile. */
function jenkinsScripts(text: string): string[] {
  const code = text.replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(/\bsh\s*\(?\s*(?:'''([\s\S]*?)'''|"""([\s\S]*?)"""|'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
}

function invocations(shell: readonly string[]): string[][] {
  return shell.flatMap(shellCommands).flatMap((words) => {
    const args = prefectGitArgs(words);
    return args === undefined ? [] : [args];
  });
}

const quietIO: CliIO = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', stderrIsTTY: false };

/** Parses `args` with the real program; throws commander's error for anything it rejects. */
async function accept(args: string[]): Promise<{ command: string; options: Record<string, unknown> }> {
  const state = { output: new Output(quietIO, {}), exitCode: 0 };
  const program = buildProgram(quietIO, state);
  let seen: { command: string; options: Record<string, unknown> } | undefined;
  for (const command of program.commands) {
    command.action((...actionArgs: unknown[]) => {
      const cmd = actionArgs[actionArgs.length - 1] as Command;
      seen = { command: cmd.name(), options: cmd.optsWithGlobals() };
    });
  }
  await program.parseAsync(args, { from: 'user' });
  if (seen === undefined) throw new Error(`no command ran for: prefect-git ${args.join(' ')}`);
  return seen;
}

/** Placeholders in project names must be ones prefect-git knows. */
function checkProjectNames(options: Record<string, unknown>): void {
  if (typeof options.project === 'string') expandProjectName(options.project, { type: 'branch', name: 'feature/x' });
  if (typeof options.projectPattern === 'string') patternRegex(options.projectPattern);
}

const recipes: Array<[string, () => string[][]]> = [
  ['github-actions.yml', () => invocations(scripts(parse(read('github-actions.yml'))))],
  ['gitlab-ci.yml', () => invocations(scripts(parse(read('gitlab-ci.yml'))))],
  ['Jenkinsfile', () => invocations(jenkinsScripts(read('Jenkinsfile')))],
];

describe('CI recipes', () => {
  it.each(recipes)('%s: every prefect-git command line parses with the real CLI', async (_name, extract) => {
    const lines = extract();
    const commands: string[] = [];
    for (const args of lines) {
      const parsed = await accept(args).catch((error: unknown) => {
        throw new Error(`prefect-git ${args.join(' ')}: ${error instanceof Error ? error.message : String(error)}`);
      });
      checkProjectNames(parsed.options);
      commands.push(`${parsed.command}${parsed.options.yes === true ? ' --yes' : ''}`);
    }
    // Each recipe covers the workflow: a release registration, a per-branch one, and pruning.
    expect(commands).toContain('register');
    expect(commands).toContain('prune --yes');
    expect(lines.some((args) => args.join(' ').includes('{ref_slug}') && args.includes('--create-project'))).toBe(true);
  });

  it('GitHub Actions: tag push → pinned tag, branch push → per-branch project, branch delete → prune', () => {
    const doc = parse(read('github-actions.yml')) as { on: Record<string, unknown>; jobs: Record<string, { if: string; steps: Array<{ run?: string }> }> };
    expect(Object.keys(doc.on)).toEqual(expect.arrayContaining(['push', 'delete']));
    const runs = (job: string): string[][] => invocations(doc.jobs[job]!.steps.flatMap((s) => (s.run === undefined ? [] : [s.run])));
    expect(doc.jobs.release?.if).toContain("github.ref_type == 'tag'");
    expect(runs('release')).toEqual([['register', '--project', 'data-flows']]);
    expect(doc.jobs.branch?.if).toContain("github.ref_type == 'branch'");
    expect(runs('branch')[0]).toEqual(expect.arrayContaining(['--project', 'data-flows-{ref_slug}', '--create-project']));
    expect(doc.jobs.prune?.if).toContain("github.event_name == 'delete'");
    expect(runs('prune')).toEqual([['prune', '--project-pattern', 'data-flows-{ref_slug}', '--yes']]);
  });

  it('GitLab: the review environment is stopped by the prune job', () => {
    const doc = parse(read('gitlab-ci.yml')) as Record<string, { environment?: { name: string; on_stop?: string; action?: string } }>;
    const review = doc['register-review']?.environment;
    expect(review?.on_stop).toBe('prune-review');
    expect(doc['prune-review']?.environment).toEqual({ name: review?.name, action: 'stop' });
  });

  it('the validator rejects what the CLI rejects (negative controls)', async () => {
    await expect(accept(['register', '--project', 'x', '--no-such-flag'])).rejects.toThrow(/unknown option/);
    await expect(accept(['register', '--schedule', 'sometimes'])).rejects.toThrow(/Allowed choices/);
    await expect(accept(['deploy'])).rejects.toThrow();
    expect(() => checkProjectNames({ project: 'data-{sha}' })).toThrow(/unknown placeholder/);
    expect(invocations(['BUILD_TAG="$CI_COMMIT_TAG" npx --yes prefect-git register --project "a b" > out.json && echo done'])).toEqual([
      ['register', '--project', 'a b'],
    ]);
    expect(invocations(["npm install --global prefect-git", "echo 'prefect-git register --nope'"])).toEqual([]);
    expect(jenkinsScripts("sh 'prefect-git ref'\n// sh 'prefect-git nope'\nsh \"prefect-git verify --branch ${env.BRANCH_NAME}\"")).toEqual([
      'prefect-git ref',
      'prefect-git verify --branch ${env.BRANCH_NAME}',
    ]);
  });
});

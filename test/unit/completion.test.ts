import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { completionScript, SHELLS } from '../../src/cli/completion/scripts.js';
import { completionSpec } from '../../src/cli/completion/spec.js';
import { Output } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../e2e/run-cli.js';

function program(): ReturnType<typeof buildProgram> {
  const io: CliIO = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', stderrIsTTY: false };
  return buildProgram(io, { output: new Output(io, {}), exitCode: 0 });
}

/** Completes `words` (the last one being completed) with the bash script; returns the candidates. */
function bashComplete(script: string, words: string[]): string[] {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _prefect_git; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    encoding: 'utf8',
    cwd: '/',
  });
  return out.split('\n').filter((line) => line !== '');
}

describe('prefect-git completion', () => {
  const built = program();
  const spec = completionSpec(built);

  it('reads every command and option from the program', () => {
    expect(spec.commands.map((command) => command.name)).toEqual(built.commands.map((command) => command.name()));
    expect(spec.commands.map((command) => command.name)).toEqual(expect.arrayContaining(['ref', 'inspect', 'register', 'config', 'doctor', 'completion']));
    expect(spec.globalOptions.map((option) => option.long)).toEqual(expect.arrayContaining(['--cwd', '--json', '--quiet', '--debug', '--no-color', '--version', '--help']));
  });

  it.each(SHELLS)('the %s script names every command and every long option of each', (shell) => {
    const script = completionScript(shell, spec);
    for (const command of built.commands) {
      expect(script, command.name()).toContain(command.name());
      for (const option of command.options) {
        if (option.long === undefined) continue;
        // fish writes `-l name` without the dashes.
        expect(script, `${command.name()} ${option.long}`).toContain(shell === 'fish' ? `-l ${option.long.slice(2)}` : option.long);
      }
    }
    for (const option of built.options) {
      if (option.long !== undefined) expect(script).toContain(shell === 'fish' ? `-l ${option.long.slice(2)}` : option.long);
    }
  });

  it('prints the script for the asked shell on stdout, and refuses other shells', async () => {
    const run = await runCli(['completion', 'bash'], { cwd: '/' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(completionScript('bash', spec));
    expect(run.stderr).toBe('');
    const zsh = await runCli(['completion', 'zsh'], { cwd: '/' });
    expect(zsh.stdout).toMatch(/^#compdef prefect-git\n/);
    expect((await runCli(['completion', 'powershell'], { cwd: '/' })).code).toBe(2);
  });

  it('with --json prints one JSON document holding the script', async () => {
    const run = await runCli(['--json', 'completion', 'fish'], { cwd: '/' });
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ shell: 'fish', script: completionScript('fish', spec).trimEnd() });
  });

  it('the bash script is valid bash and completes commands, options and their values', () => {
    const script = completionScript('bash', spec);
    execFileSync('bash', ['-n', '-c', script]);
    expect(bashComplete(script, ['prefect-git', 'do'])).toEqual(['doctor']);
    const register = built.commands.find((command) => command.name() === 'register');
    const allow = register?.options.map((option) => option.long ?? '').filter((long) => long.startsWith('--allow-'));
    expect(allow).toContain('--allow-dirty');
    expect(bashComplete(script, ['prefect-git', 'register', '--allow-'])).toEqual(allow);
    expect(bashComplete(script, ['prefect-git', 'inspect', '--loader', ''])).toEqual(['auto', 'static', 'python', 'both']);
    expect(bashComplete(script, ['prefect-git', '-C', '/tmp', 'doctor', '--proj'])).toEqual(['--project']);
    expect(bashComplete(script, ['prefect-git', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete(script, ['prefect-git', '--js'])).toEqual(['--json']);
  });

  it('quotes descriptions safely for zsh and fish', () => {
    const tricky = { ...spec, commands: [{ name: 'x', description: "it's [odd]: yes", options: [], argChoices: [], takesPaths: false }] };
    expect(completionScript('zsh', tricky)).toContain("'x:it'\\''s \\[odd\\]\\: yes'");
    expect(completionScript('fish', tricky)).toContain("-d 'it\\'s [odd]: yes'");
  });
});

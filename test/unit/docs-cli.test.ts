import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Option } from 'commander';
import type { CliIO } from '../../src/cli/io.js';
import { Output } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';

const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const io: CliIO = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', stderrIsTTY: false };
const program = buildProgram(io, { output: new Output(io, {}), exitCode: 0 });

/** The text of each `## heading` section (up to the next `## `). */
function sections(markdown: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    map.set(part.slice(0, newline).trim(), part.slice(newline));
  }
  return map;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The option as a table cell starts: `` `-p, --project <name>` `` or `` `--json` ``. */
function documented(section: string, option: Pick<Option, 'long' | 'short'>): boolean {
  const spelling = option.short ? `${escape(option.short)}, ${escape(option.long ?? '')}` : escape(option.long ?? '');
  return new RegExp(`\\| \`${spelling}[\` ]`).test(section);
}

describe('docs/cli.md', () => {
  const bySection = sections(doc);

  it('documents every global option', () => {
    const globals = bySection.get('Global options') ?? '';
    const missing = program.options.filter((option) => !documented(globals, option)).map((option) => option.flags);
    expect(missing, 'global options missing from "## Global options" in docs/cli.md').toEqual([]);
  });

  it('has a section for every command, with every one of its options', () => {
    const missing: string[] = [];
    for (const command of program.commands) {
      const section = bySection.get(`\`prefect-git ${command.name()}\``);
      if (section === undefined) {
        missing.push(`section "## \`prefect-git ${command.name()}\`"`);
        continue;
      }
      for (const option of command.options) if (!documented(section, option)) missing.push(`${command.name()} ${option.flags}`);
    }
    expect(missing, 'add these to docs/cli.md').toEqual([]);
  });

  it('documents no command that does not exist', () => {
    const names = new Set(program.commands.map((command) => command.name()));
    const documentedCommands = [...bySection.keys()].flatMap((heading) => /^`prefect-git (\S+)`$/.exec(heading)?.[1] ?? []);
    expect(documentedCommands.filter((name) => !names.has(name))).toEqual([]);
  });

  it('the check can fail: an option that is not there is reported', () => {
    const section = bySection.get('`prefect-git ref`') ?? '';
    expect(documented(section, { long: '--tag' })).toBe(true);
    expect(documented(section, { long: '--nonexistent' })).toBe(false);
  });
});

describe('README.md', () => {
  it("lists every command in the command table and links the docs, keeping the quick start's two commands", () => {
    for (const command of program.commands) expect(readme, command.name()).toMatch(new RegExp(`^\\| \`prefect-git ${command.name()}[\` ]`, 'm'));
    for (const link of ['docs/cli.md', 'docs/configuration.md', 'docs/errors.md', 'docs/design.md']) expect(readme).toContain(`](${link})`);
    expect(readme).toContain('```sh\nnpm ci && npx prefect-git -C flows-example inspect\nnpm test\n```');
  });
});

// The runtime-image recipe (flows-example/runtime, issue 9) checked by parsing: no Docker engine
// runs where prefect-git is developed, so these tests read the Dockerfile with dockerfile-ast and
// never build it. The smoke test file and the requirement lists are checked with python3 and text.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';
import type { Dockerfile, Instruction } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';

const RUNTIME = fileURLToPath(new URL('../../flows-example/runtime/', import.meta.url));
const FLOWS = fileURLToPath(new URL('../../flows-example/my_flows/', import.meta.url));
const FLOWS_REQUIREMENTS = fileURLToPath(new URL('../../flows-example/requirements.txt', import.meta.url));
const SMOKE_TEST = join(RUNTIME, 'tests', 'module_smoke_test.py');

const STAGES = ['base-pre-pkg', 'python-pkg-refresh', 'python-pkg-pinned', 'base-post-pkg', 'smoke-test', 'target-image'];

interface Stage {
  readonly name: string;
  /** The FROM image as written (variables unexpanded). */
  readonly from: string;
  readonly line: number;
  readonly instructions: readonly Instruction[];
}

const dockerfile: Dockerfile = DockerfileParser.parse(readFileSync(join(RUNTIME, 'Dockerfile'), 'utf8'));

function stagesOf(file: Dockerfile): Stage[] {
  const froms = file.getFROMs();
  const all = file.getInstructions();
  return froms.map((from, index) => {
    const line = from.getRange().start.line;
    const end = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    return {
      name: from.getBuildStage() ?? '',
      from: from.getImage() ?? '',
      line,
      instructions: all.filter((instruction) => {
        const at = instruction.getRange().start.line;
        return at > line && at < end;
      }),
    };
  });
}

const stages = stagesOf(dockerfile);

function stage(name: string): Stage {
  const found = stages.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no stage ${name} in the Dockerfile`);
  return found;
}

/** An instruction's arguments on one line, continuation lines joined, runs of blanks made one. */
function text(instruction: Instruction): string {
  return (instruction.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim();
}

function keyword(of: Stage, word: string): Instruction[] {
  return of.instructions.filter((instruction) => instruction.getKeyword() === word);
}

/** COPY's sources and destination (flags such as --chown left out). */
function copyParts(instruction: Instruction): { sources: string[]; destination: string } {
  const args = instruction.getArguments().map((argument) => argument.getValue()).filter((value) => !value.startsWith('--'));
  return { sources: args.slice(0, -1), destination: args.at(-1) ?? '' };
}

function initialArg(name: string): { value: string | null; line: number } | undefined {
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property?.getName() === name) return { value: property.getValue(), line: arg.getRange().start.line };
  }
  return undefined;
}

function python(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('python3', args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('Dockerfile stages', () => {
  it('names exactly the six stages, in order', () => {
    expect(stages.map((s) => s.name)).toEqual(STAGES);
  });

  it('declares PYTHON_PKG_VERSIONS=pinned as a global ARG before the first FROM', () => {
    const arg = initialArg('PYTHON_PKG_VERSIONS');
    expect(arg).toBeDefined();
    expect(arg?.value).toBe('pinned');
    expect(arg?.line).toBeLessThan(stages[0]?.line ?? -1);
  });

  it('starts from a python slim image with an explicit version, through the PYTHON_IMAGE ARG', () => {
    expect(stage('base-pre-pkg').from).toBe('${PYTHON_IMAGE}');
    expect(initialArg('PYTHON_IMAGE')?.value).toMatch(/^python:3\.\d+(\.\d+)?-slim(-[a-z]+)?$/);
  });

  it('makes base-post-pkg from the package stage that PYTHON_PKG_VERSIONS names, for both values', () => {
    const post = stage('base-post-pkg');
    expect(post.from).toBe('python-pkg-${PYTHON_PKG_VERSIONS}');
    const postIndex = STAGES.indexOf('base-post-pkg');
    for (const value of ['pinned', 'refresh']) {
      const resolved = post.from.replace('${PYTHON_PKG_VERSIONS}', value);
      expect(stages.findIndex((s) => s.name === resolved), resolved).toBeGreaterThanOrEqual(0);
      expect(stages.findIndex((s) => s.name === resolved), resolved).toBeLessThan(postIndex);
    }
    // The default (the ARG's value) is the pinned stage.
    expect(post.from.replace('${PYTHON_PKG_VERSIONS}', initialArg('PYTHON_PKG_VERSIONS')?.value ?? '')).toBe('python-pkg-pinned');
  });

  it('derives every stage after the first from an earlier stage', () => {
    expect(stage('python-pkg-refresh').from).toBe('base-pre-pkg');
    expect(stage('python-pkg-pinned').from).toBe('base-pre-pkg');
    expect(stage('smoke-test').from).toBe('base-post-pkg');
    expect(stage('target-image').from).toBe('base-post-pkg');
  });

  it('installs into the system interpreter without a pip cache, and makes no virtualenv', () => {
    const env = keyword(stage('base-pre-pkg'), 'ENV').flatMap((instruction) => text(instruction).split(' '));
    expect(env).toContain('PIP_NO_CACHE_DIR=1');
    for (const instruction of dockerfile.getInstructions()) {
      expect(text(instruction), `line ${instruction.getRange().start.line + 1}`).not.toMatch(/\b(venv|virtualenv)\b/);
    }
  });

  it('resolves requirements.in in python-pkg-refresh and writes the pinned list', () => {
    const refresh = stage('python-pkg-refresh');
    expect(keyword(refresh, 'COPY').flatMap((c) => copyParts(c).sources)).toContain('requirements.in');
    const run = keyword(refresh, 'RUN').map(text).join(' ');
    expect(run).toMatch(/pip install [^&]*-r \S*requirements\.in/);
    expect(run).toMatch(/pip freeze[^&]*> ?\/\S*requirements\.lock/);
  });

  it('installs requirements.lock in python-pkg-pinned and checks the result', () => {
    const pinned = stage('python-pkg-pinned');
    expect(keyword(pinned, 'COPY').flatMap((c) => copyParts(c).sources)).toContain('requirements.lock');
    const run = keyword(pinned, 'RUN').map(text).join(' ');
    expect(run).toMatch(/pip install [^&]*-r \S*requirements\.lock/);
    expect(run).toContain('pip check');
    expect(run).not.toContain('requirements.in');
  });

  it('runs the smoke test file and checks Prefect 1.4.1, Git storage and dulwich in smoke-test', () => {
    const smoke = stage('smoke-test');
    const copied = keyword(smoke, 'COPY').map(copyParts).find((c) => c.sources.includes('tests/module_smoke_test.py'));
    expect(copied).toBeDefined();
    const run = keyword(smoke, 'RUN').map(text).join(' ');
    expect(run).toContain(`python ${copied?.destination ?? '?'}`);
    expect(run).toMatch(/import prefect/);
    expect(run).toContain("'1.4.1'");
    expect(run).toContain('from prefect.storage import Git');
    expect(run).toContain('import dulwich');
  });

  it('ends with target-image: the default target, not derived from smoke-test, non-root, labelled, no flow code', () => {
    expect(stages.at(-1)?.name).toBe('target-image');
    expect(stages.filter((s) => s.from === 'smoke-test')).toEqual([]);
    const target = stage('target-image');
    expect(keyword(target, 'COPY')).toEqual([]);
    expect(keyword(target, 'ADD')).toEqual([]);
    const user = keyword(target, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(text(user as Instruction).split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(keyword(target, 'LABEL').length).toBeGreaterThan(0);
  });

  it('copies only files that exist in the runtime folder, and never from outside it', () => {
    expect(dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ADD')).toEqual([]);
    const copies = dockerfile.getCOPYs();
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(copy.getFromFlag(), text(copy)).toBeNull();
      for (const source of copyParts(copy).sources) {
        expect(isAbsolute(source), source).toBe(false);
        expect(normalize(source).startsWith('..'), source).toBe(false);
        expect(existsSync(join(RUNTIME, source)) && statSync(join(RUNTIME, source)).isFile(), source).toBe(true);
      }
    }
  });
});

describe('tests/module_smoke_test.py', () => {
  const cache = mkdtempSync(join(tmpdir(), 'prefect-git-pycache-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('compiles with python3 -m py_compile (byte code kept out of the tree)', () => {
    expect(() => python(['-m', 'py_compile', SMOKE_TEST], { ...process.env, PYTHONPYCACHEPREFIX: cache })).not.toThrow();
    expect(existsSync(join(RUNTIME, 'tests', '__pycache__'))).toBe(false);
  });

  it('imports every module the flows import from outside the standard library', () => {
    const script = [
      'import ast, json, pathlib, sys',
      'smoke, flows = sys.argv[1], sys.argv[2]',
      'tree = ast.parse(pathlib.Path(smoke).read_text())',
      "declared = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, 'id', None) == 'FLOW_MODULES' for t in n.targets))",
      'imported = set()',
      "for f in sorted(pathlib.Path(flows).glob('*.py')):",
      '    for node in ast.walk(ast.parse(f.read_text())):',
      '        if isinstance(node, ast.Import): imported.update(a.name for a in node.names)',
      '        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module: imported.add(node.module)',
      "third_party = sorted(m for m in imported if m.split('.')[0] not in sys.stdlib_module_names)",
      "print(json.dumps({'declared': list(declared), 'third_party': third_party}))",
    ].join('\n');
    const { declared, third_party: thirdParty } = JSON.parse(python(['-c', script, SMOKE_TEST, FLOWS])) as { declared: string[]; third_party: string[] };
    // Not vacuous: the flows do import prefect and pendulum.
    expect(thirdParty).toEqual(expect.arrayContaining(['prefect', 'pendulum']));
    expect(thirdParty.filter((name) => !declared.includes(name))).toEqual([]);
  });
});

/** `name[extras]` of each requirement line, names normalized as pip does (PEP 503). */
function requirementNames(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('-'))
    .map((line) => {
      const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?/.exec(line);
      if (match === null) throw new Error(`unreadable requirement in ${path}: ${line}`);
      return `${(match[1] ?? '').toLowerCase().replace(/[-_.]+/g, '-')}${match[2] ?? ''}`;
    });
}

describe('requirements', () => {
  const inFile = join(RUNTIME, 'requirements.in');
  const lockFile = join(RUNTIME, 'requirements.lock');

  it('declares prefect[git]==1.4.1 and every package of flows-example/requirements.txt', () => {
    expect(readFileSync(inFile, 'utf8').split('\n')).toContain('prefect[git]==1.4.1');
    const declared = requirementNames(inFile);
    const needed = requirementNames(FLOWS_REQUIREMENTS);
    expect(needed.length).toBeGreaterThan(0);
    expect(needed.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('pins every declared package in requirements.lock, one name==version a line', () => {
    const lines = readFileSync(lockFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+!-]*$/);
    const pinned = new Map(lines.map((line) => {
      const [name = '', version = ''] = line.split('==');
      return [name.toLowerCase().replace(/[-_.]+/g, '-'), version] as const;
    }));
    expect(pinned.size).toBe(lines.length);
    for (const name of requirementNames(inFile)) expect(pinned.has(name.replace(/\[.*\]$/, '')), name).toBe(true);
    expect(pinned.get('prefect')).toBe('1.4.1');
    expect(pinned.has('dulwich')).toBe(true);
    expect(pinned.get('pendulum')).toMatch(/^2\./);
  });

  it('expects the same Prefect version in requirements.in, the smoke test file and the Dockerfile', () => {
    const version = /^prefect\[git\]==(\S+)$/m.exec(readFileSync(inFile, 'utf8'))?.[1];
    expect(version).toBe('1.4.1');
    expect(readFileSync(SMOKE_TEST, 'utf8')).toContain(`EXPECTED_PREFECT_VERSION = "${version ?? '?'}"`);
    expect(keyword(stage('smoke-test'), 'RUN').map(text).join(' ')).toContain(`'${version ?? '?'}'`);
  });
});

/**
 * Broken Python through `prefect-git inspect --json <file>`: every file gives exit 0 or 6 with a
 * documented code per flow or file, never exit 1 and never a stack trace. Table-driven: one row
 * per file, all committed in one repository.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { TestRepo } from '../git/helpers.js';
import { cleanupRepos, createRepo, writeFile } from '../git/helpers.js';
import { GITHUB_URL } from '../e2e/flows-repo.js';
import { STACK_FRAME, cli, jsonCodes } from './helpers.js';

const HELLO = readFileSync(new URL('../fixtures/golden/flows/my_flows/hello_flow.py', import.meta.url));
const HEAD = 'from prefect import Flow, Parameter, task\n';
const FLOW = '\n@task\ndef t(x=None):\n    return x\n\n\nwith Flow("after") as flow:\n    t()\n';
const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
const flowNamed = (name: string): string => `${HEAD}\n@task\ndef t():\n    pass\n\n\nwith Flow(${name}) as flow:\n    t()\n`;

interface PyCase {
  name: string;
  content: Buffer | string;
  /** Accepted exits (0: read, 6: refused with a code). */
  exit: readonly number[];
  code?: string;
  /** Path of the file (default: bad/<name>.py). */
  path?: string;
  /** A bug reported to the static loader's owner: the row is expected to fail until it is fixed. */
  knownBug?: string;
  /**
   * Run with the default `--loader auto` (the python loader retries what the static loader
   * refuses); the other rows pass `--loader static`, which spares a Python process per row.
   */
  auto?: boolean;
}

const CASES: PyCase[] = [
  { name: 'syntax error', content: 'def (:\n', exit: [6], code: 'E_PARSE', auto: true },
  { name: 'truncated mid-expression', content: HELLO.subarray(0, Math.floor(HELLO.length * 0.6)), exit: [6] },
  { name: 'truncated in a multibyte character', content: bytes(HEAD, 'x = "Grü', [0xc3]), exit: [6], code: 'E_PARSE' },
  { name: 'binary bytes', content: bytes([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff, 0xfe, 1, 2, 3]), exit: [6], code: 'E_PARSE', auto: true },
  { name: 'latin-1 (not UTF-8)', content: bytes(HEAD, 'x = "caf', [0xe9], '"\n'), exit: [6], code: 'E_PARSE' },
  { name: 'UTF-16 with BOM', content: Buffer.from(`\ufeff${HELLO.toString('utf8')}`, 'utf16le'), exit: [6], code: 'E_PARSE' },
  { name: 'NUL byte in the source', content: bytes(HEAD, 'x = 1', [0], '\n'), exit: [6], code: 'E_PARSE' },
  { name: 'UTF-8 BOM', content: bytes([0xef, 0xbb, 0xbf], HELLO), exit: [0] },
  { name: 'only a BOM', content: bytes([0xef, 0xbb, 0xbf]), exit: [0] },
  { name: 'CRLF line endings', content: HELLO.toString('utf8').replace(/\n/g, '\r\n'), exit: [0] },
  { name: 'CR-only line endings', content: HELLO.toString('utf8').replace(/\n/g, '\r'), exit: [0, 6] },
  { name: 'empty file', content: '', exit: [0] },
  { name: '5 MB file', content: `${HEAD}x = [${'1, '.repeat(1_750_000)}]\n${FLOW}`, exit: [6], code: 'E_UNSUPPORTED' },
  { name: 'a 900 KB string on one line', content: `${HEAD}x = "${'a'.repeat(900_000)}"\n${FLOW}`, exit: [0] },
  { name: 'parentheses nested 5000 deep', content: `${HEAD}x = ${'('.repeat(5000)}1${')'.repeat(5000)}\n${FLOW}`, exit: [6], code: 'E_UNSUPPORTED' },
  { name: 'lists nested 20000 deep', content: `${HEAD}x = ${'['.repeat(20000)}${']'.repeat(20000)}\n${FLOW}`, exit: [6], code: 'E_UNSUPPORTED' },
  { name: 'ifs nested 300 deep', content: `${HEAD}${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}if True:\n`).join('')}${' '.repeat(300)}pass\n${FLOW}`, exit: [6] },
  { name: '20000 additions in a row', content: `${HEAD}x = ${Array.from({ length: 20000 }, () => '1').join(' + ')}\n${FLOW}`, exit: [6] },
  { name: 'tabs and spaces mixed', content: `${HEAD}if True:\n\tx = 1\n        y = 2\n${FLOW}`, exit: [0, 6] },
  { name: 'Python 2 print statement', content: `${HEAD}print "hello"\n${FLOW}`, exit: [6], code: 'E_PARSE' },
  { name: 'a with block without body', content: `${HEAD}with Flow("x") as flow:\n`, exit: [6], code: 'E_PARSE' },
  { name: 'raises at import', content: `${HEAD}raise ValueError("no")\n${FLOW}`, exit: [6], code: 'E_FLOW_LOAD' },
  { name: 'division by zero at import', content: `${HEAD}x = 1 / 0\n${FLOW}`, exit: [6], code: 'E_FLOW_LOAD' },
  { name: 'mutual recursion', content: `${HEAD}def f(n):\n    return g(n)\n\ndef g(n):\n    return f(n)\n\nx = f(1)\n${FLOW}`, exit: [6] },
  { name: 'direct recursion', content: `${HEAD}def f():\n    return f()\n\nf()\n${FLOW}`, exit: [6], code: 'E_UNSUPPORTED' },
  { name: 'an endless while loop at import', content: `${HEAD}while True:\n    pass\n${FLOW}`, exit: [6], code: 'E_UNSUPPORTED' },
  { name: 'a loop of a billion iterations', content: `${HEAD}for i in range(10**9):\n    pass\n${FLOW}`, exit: [6] },
  { name: '9**9**9', content: `${HEAD}x = 9**9**9\n${FLOW}`, exit: [6] },
  { name: 'a missing local module', content: `${HEAD}from helpers_that_do_not_exist import thing\n${FLOW}`, exit: [6] },
  { name: 'a flow name read at run time', content: flowNamed('input()'), exit: [6], code: 'E_UNSUPPORTED', auto: true },
  { name: 'a unicode flow name', content: flowNamed('"データ-フロー ✓"'), exit: [0] },
  { name: 'control characters in the flow name', content: flowNamed('"a\\x00b\\nc\\u202e"'), exit: [0, 6] },
  { name: 'a lone surrogate in a parameter default', content: `${HEAD}with Flow("surrogate") as flow:\n    p = Parameter("p", default="\\ud800")\n`, exit: [0] },
  { name: 'a unicode file path', content: HELLO.toString('utf8').replace('hello-flow', 'unicode-path'), exit: [0], path: 'bad/ünï côde/flow ✓.py' },
  { name: 'two flows with the same name', content: `${HEAD}with Flow("twin") as a:\n    pass\nwith Flow("twin") as b:\n    pass\n`, exit: [0, 6] },
  { name: 'a lambda as a task', content: `${HEAD}f = task(lambda x: x)\nwith Flow("lam") as flow:\n    f(1)\n`, exit: [0, 6] },
  { name: 'a class flow with metaclass tricks', content: `${HEAD}class M(type):\n    def __call__(cls):\n        return Flow("meta")\nclass X(metaclass=M):\n    pass\nflow = X()\n`, exit: [6] },
  { name: 'exec of a string', content: `${HEAD}exec("flow = Flow('hidden')")\n`, exit: [6] },
];

let repo: TestRepo;
beforeAll(() => {
  repo = createRepo({ commits: 0 });
  for (const c of CASES) writeFile(repo.dir, pathOf(c), '');
  for (const c of CASES) writeFileSync(join(repo.dir, pathOf(c)), c.content);
  // A committed symlink: git stores the target path as the blob.
  symlinkSync('syntax_error.py', join(repo.dir, 'bad', 'symlink.py'));
  repo.git('remote', 'set-url', 'origin', GITHUB_URL);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'broken flows');
});
afterAll(() => cleanupRepos());

function pathOf(c: PyCase): string {
  return c.path ?? `bad/${c.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}.py`;
}

describe('broken Python files', () => {
  it('the corpus is large enough', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(35);
  });

  for (const c of [...CASES, { name: 'a committed symlink', content: '', exit: [0, 6], path: 'bad/symlink.py' } satisfies PyCase]) {
    (c.knownBug === undefined ? it : it.fails)(c.knownBug === undefined ? c.name : `${c.name} (known bug: ${c.knownBug})`, async () => {
      const run = await cli(['--json', 'inspect', ...(c.auto === true ? [] : ['--loader', 'static']), pathOf(c)], { cwd: repo.dir });
      const all = `${run.stdout}\n${run.stderr}`;
      expect(c.exit, all).toContain(run.code);
      expect(all).not.toMatch(STACK_FRAME);
      const codes = jsonCodes(run.stdout);
      for (const code of codes) expect(Object.keys(ErrorCodes)).toContain(code);
      if (run.code === 6) {
        expect(codes.length).toBeGreaterThan(0);
        expect(run.stderr).toMatch(/hint /);
      }
      if (c.code !== undefined) expect(codes).toContain(c.code);
      // The loader's own safety net ("the static loader failed on this file") means a bug.
      expect(all).not.toContain('the static loader failed on this file');
    });
  }
});

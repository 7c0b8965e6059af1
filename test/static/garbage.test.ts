/**
 * Bad input never throws: random bytes, truncated and re-encoded golden files, huge and deeply
 * nested sources all come back as FlowLoadError entries (or flows), within the same call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFlowsStatic } from '../../src/flows/static/index.js';
import type { LoadResult } from '../../src/flows/types.js';
import { pyjsonDumps } from '../../src/prefect/pyjson.js';
import { goldenCases, goldenFile } from './golden-helpers.js';
import { storageFor } from './load-helpers.js';

const CODES = new Set(['E_PARSE', 'E_UNSUPPORTED', 'E_FLOW_LOAD']);

async function load(content: Buffer, path = 'flows/garbage.py'): Promise<LoadResult> {
  return loadFlowsStatic({ files: [{ path, content }], storageFor });
}

function expectWellFormed(result: LoadResult): void {
  for (const e of result.errors) {
    expect(CODES.has(e.code), e.code).toBe(true);
    expect(typeof e.message).toBe('string');
    expect(e.hint.length).toBeGreaterThan(0);
    expect(e.line).toBeGreaterThanOrEqual(0);
    expect(e.column).toBeGreaterThanOrEqual(0);
    expect(e.message).not.toMatch(/the static loader failed on this file/);
  }
}

const goldenPaths = [...new Set(goldenCases().map((c) => c.flowPath))];

describe('garbage in, errors out', () => {
  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
      expectWellFormed(await load(Buffer.from(bytes)));
    }), { numRuns: 200 });
  });

  it('python-shaped token soup', async () => {
    const token = fc.constantFrom('with', 'Flow', '(', ')', '"x"', 'as', 'f', ':', '\n', '    ', 'task', '@', 'def', 'g', 'x', '=', '[', ']',
      '{', '}', ',', '1', '1.5', 'for', 'in', 'if', 'else', 'import', 'from', 'prefect', '.', '*', '**', 'lambda', 'yield', 'not', '+', 'Parameter');
    await fc.assert(fc.asyncProperty(fc.array(token, { maxLength: 60 }), async (tokens) => {
      expectWellFormed(await load(Buffer.from(`from prefect import Flow, task, Parameter\n${tokens.join(' ')}\n`)));
    }), { numRuns: 300 });
  });

  it('every truncation of the golden files (every 11 bytes)', async () => {
    for (const path of goldenPaths) {
      const { content } = goldenFile(path);
      for (let n = 0; n < content.length; n += 11) expectWellFormed(await load(content.subarray(0, n), path));
    }
  });

  it('non-UTF-8 bytes are a parse error at their line', async () => {
    const result = await load(Buffer.concat([Buffer.from('x = 1\ny = "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]));
    expect(result.errors).toMatchObject([{ code: 'E_PARSE', line: 2, column: 6 }]);
  });

  it('a BOM and CRLF line endings change nothing', async () => {
    for (const path of goldenPaths) {
      const { content } = goldenFile(path);
      const plain = await load(content, path);
      const crlf = Buffer.from(content.toString('utf8').replace(/\n/g, '\r\n'));
      for (const variant of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), content]), crlf]) {
        const other = await load(variant, path);
        expect(other.errors).toEqual(plain.errors);
        expect(other.flows.map((f) => pyjsonDumps(f.serialized))).toEqual(plain.flows.map((f) => pyjsonDumps(f.serialized)));
      }
    }
  });

  it('a 5 MB file is refused quickly', async () => {
    const big = Buffer.from('x = "' + 'a'.repeat(5 * 1024 * 1024) + '"\n');
    const started = Date.now();
    const result = await load(big);
    expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED' }]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('10,000-deep nesting is refused without overflowing the stack', async () => {
    for (const src of ['x = ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000), 'x = ' + '['.repeat(10_000) + ']'.repeat(10_000), 'x = ' + Array(10_000).fill('a').join(' + ')]) {
      const result = await load(Buffer.from(src + '\n'));
      expectWellFormed(result);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.code).toBe('E_UNSUPPORTED');
    }
  });

  it('NUL bytes, lone surrogates in escapes, empty and whitespace files', async () => {
    expect((await load(Buffer.from('x = 1\0\n'))).errors).toMatchObject([{ code: 'E_PARSE' }]);
    expectWellFormed(await load(Buffer.from('x = "\\ud800"\n')));
    expect(await load(Buffer.alloc(0))).toEqual({ flows: [], errors: [] });
    expect(await load(Buffer.from('\n\n   \n# comment only\n'))).toEqual({ flows: [], errors: [] });
  });

  it('runaway computation is refused, not waited for', async () => {
    const result = await load(Buffer.from('x = [i for i in range(99999) for j in range(99999)]\n'));
    expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED' }]);
  });

  it('deep recursion in user functions refuses the whole file (Python may raise RecursionError)', async () => {
    const after = 'from prefect import Flow\nwith Flow("after") as flow:\n    pass\n';
    for (const [src, line, column, construct] of [
      ['def f(n):\n    return f(n + 1)\nx = f(0)\n', 2, 12, 'f(n + 1)'],
      ['def f(): return f()\nf()\n', 1, 17, 'f()'],
      ['def f(n):\n    return g(n)\n\ndef g(n):\n    return f(n)\n\nx = f(1)\n', 5, 12, 'f(n)'],
    ] as const) {
      const result = await load(Buffer.from(src + after));
      expect(result.flows).toEqual([]);
      expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line, column, construct }]);
      expect(result.errors[0]?.message).toMatch(/recursion/);
    }
  });

  it('recursion that ends within the depth guard is followed', async () => {
    const result = await load(Buffer.from('def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\nfrom prefect import Flow\nwith Flow(f"f{fact(10)}") as flow:\n    pass\n'));
    expect(result.flows.map((f) => f.name)).toEqual(['f3628800']);
  });
});

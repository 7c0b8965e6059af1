/**
 * Parsing on a worker thread (parse-ahead.ts) gives exactly what parsing here gives: the same
 * syntax trees, the same errors, in order; and a worker that stops leaves the main thread to
 * parse on its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { generateFlows } from '../../bench/generate.js';
import { parseAhead, ParseWorker, type ParseQueue } from '../../src/flows/static/parse-ahead.js';
import { finishParse, parsePython, type ParseResult } from '../../src/flows/static/parser.js';
import { recordTree, TraceCursor } from '../../src/flows/static/tree-trace.js';
import { withTree } from '../../src/flows/static/wasm-parse.js';
import { loadFlowsStatic } from '../../src/flows/static/index.js';
import { pyjsonDumps } from '../../src/prefect/pyjson.js';
import { goldenCases, goldenFile } from './golden-helpers.js';
import { plain } from './plain-syntax.js';
import { storageFor } from './load-helpers.js';

function plainResult(result: ParseResult): unknown {
  return result.ok ? { module: plain(result.module), path: result.file.path } : { error: result.error };
}

/** Sources that parse, and sources each parser must refuse the same way. */
function corpus(): Array<{ path: string; text: string }> {
  const files = generateFlows(30, 7).map((f, i) => ({ path: `gen/f${i}.py`, text: f.source }));
  for (const path of new Set(goldenCases().map((c) => c.flowPath))) files.push({ path, text: goldenFile(path).content.toString('utf8') });
  files.push(
    { path: 'bad/syntax.py', text: 'def f(:\n    pass\n' },
    { path: 'bad/missing.py', text: 'x = (1,\n' },
    { path: 'bad/indent.py', text: 'x = 1\n    y = 2\n' },
    { path: 'bad/tabs.py', text: 'if True:\n\tx = 1\n        y = 2\n' },
    { path: 'bad/deep.py', text: `x = ${'('.repeat(300)}1${')'.repeat(300)}\n` },
    { path: 'bad/huge.py', text: `x = 1\n${'#'.repeat(1024 * 1024)}\n` },
    { path: 'ok/unicode.py', text: 'ñame = "ü\\t"\nπ = 3.14\n' },
  );
  return files;
}

let workers: ParseWorker[] = [];
function startWorker(): ParseWorker {
  const worker = ParseWorker.start();
  if (!worker) throw new Error('no parse worker on this machine (one core?)');
  workers.push(worker);
  return worker;
}
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
});

describe('recorded trees', () => {
  it('a recorded tree copies into the same Syntax as the live tree', async () => {
    for (const { path, text } of corpus()) {
      const live = await parsePython(path, text);
      const recorded = await withTree(path, text, (cursor, grammar) => ({ trace: recordTree(cursor), grammar }));
      if (!recorded.ok) {
        expect(live.ok).toBe(false);
        continue;
      }
      const replayed = finishParse({ path, text }, new TraceCursor(recorded.value.trace), recorded.value.grammar);
      expect(plainResult(replayed), path).toEqual(plainResult(live));
    }
  });

  it('a cursor over a recorded tree moves like a tree-sitter cursor', async () => {
    const recorded = await withTree('t.py', 'a = f(1)\nb = 2\n', (cursor) => recordTree(cursor));
    if (!recorded.ok) throw new Error('parse failed');
    const cursor = new TraceCursor(recorded.value);
    expect(cursor.gotoParent()).toBe(false);
    expect(cursor.gotoNextSibling()).toBe(false);
    expect(cursor.gotoFirstChild()).toBe(true); // a = f(1)
    expect([cursor.startIndex, cursor.endIndex]).toEqual([0, 8]);
    expect(cursor.gotoNextSibling()).toBe(true); // b = 2
    expect(cursor.startIndex).toBe(9);
    expect(cursor.gotoNextSibling()).toBe(false);
    expect(cursor.gotoParent()).toBe(true);
    expect([cursor.startIndex, cursor.endIndex]).toEqual([0, 15]);
    expect(() => new TraceCursor(new Int32Array(5))).toThrow(RangeError);
  });
});

describe('the parse worker', () => {
  it('parses every file of the corpus as this thread does, in order', async () => {
    const files = corpus();
    const worker = startWorker();
    // The worker itself answers (parseAhead would hide a worker that fails).
    expect(await worker.parse('x.py', 'x = 1\n')).toMatchObject({ ok: true });
    const parse = parseAhead(files, worker);
    for (const [index, { path, text }] of files.entries()) {
      expect(plainResult(await parse(index)), path).toEqual(plainResult(await parsePython(path, text)));
    }
  });

  it('hands the worker a bounded number of characters ahead (memory for very large files)', async () => {
    const big = `x = 1\n${'y = 2\n'.repeat(5_000)}`; // 30,006 characters
    const files = Array.from({ length: 10 }, (_, i) => ({ path: `big${i}.py`, text: big }));
    const worker = startWorker();
    const requested: number[] = [];
    const parseMany = worker.parseMany.bind(worker);
    worker.parseMany = (batch) => {
      requested.push(batch.length);
      return parseMany(batch);
    };
    const parse = parseAhead(files, worker, { windowChars: 100_000 });
    expect((await parse(0)).ok).toBe(true);
    // 4 files: the fourth takes the characters in flight past 100,000.
    expect(requested.reduce((a, b) => a + b, 0)).toBe(4);
    for (let i = 1; i < files.length; i++) expect((await parse(i)).ok).toBe(true);
    expect(requested.reduce((a, b) => a + b, 0)).toBe(10);
    expect(worker.parsedCount).toBe(10);
  });

  it('skips files without text and refuses to parse them', async () => {
    const queue: ParseQueue = [{ path: 'a.py', text: 'x = 1\n' }, undefined, { path: 'c.py', text: 'y = 2\n' }];
    const parse = parseAhead(queue, startWorker());
    expect((await parse(0)).ok).toBe(true);
    await expect(parse(1)).rejects.toThrow(RangeError);
    expect((await parse(2)).ok).toBe(true);
  });

  it('a worker that stopped leaves the parsing to this thread, with the same results', async () => {
    const files = corpus().slice(0, 20);
    const worker = startWorker();
    const parse = parseAhead(files, worker);
    expect(plainResult(await parse(0))).toEqual(plainResult(await parsePython(files[0]!.path, files[0]!.text)));
    await worker.close();
    expect(await worker.parse('x.py', 'x = 1\n')).toBeUndefined();
    for (let index = 1; index < files.length; index++) {
      const { path, text } = files[index]!;
      expect(plainResult(await parse(index)), path).toEqual(plainResult(await parsePython(path, text)));
    }
  });

  it('parses without a worker, one file when asked', async () => {
    const files = corpus().slice(0, 3);
    const parse = parseAhead(files, undefined);
    for (const [index, { path, text }] of files.entries()) expect(plainResult(await parse(index))).toEqual(plainResult(await parsePython(path, text)));
  });
});

describe('loading many files with shared modules', () => {
  const COMMON = 'from prefect import task\n\nCOUNTER = []\n\n@task(name="shared extract")\ndef extract(n):\n    return n\n\ndef register_use(name):\n    COUNTER.append(name)\n    return len(COUNTER)\n';
  const flowSource = (i: number): string =>
    `from prefect import Flow, Parameter\nfrom common.tasks import extract, register_use\n\nORDER = register_use("f${i}")\n\nwith Flow("shared-${i}-" + str(ORDER)) as flow:\n    extract(Parameter("n", default=${i}))\n`;
  const files = Array.from({ length: 24 }, (_, i) => ({ path: `flows/f${String(i).padStart(2, '0')}.py`, content: Buffer.from(flowSource(i)) }));
  const repo: Record<string, string> = { 'common/__init__.py': '', 'common/tasks.py': COMMON };
  const readRepoFile = (p: string): Promise<Buffer | undefined> => Promise.resolve(repo[p] === undefined ? undefined : Buffer.from(repo[p]));

  it('gives the same flows whether a worker parses the files or this thread does, module state shared in file order', async () => {
    const viaWorker = await loadFlowsStatic({ files, storageFor, readRepoFile });
    const stopped = startWorker();
    await stopped.close();
    const inThread = await loadFlowsStatic({ files, storageFor, readRepoFile, parseWorker: stopped });
    expect(viaWorker.errors).toEqual([]);
    // The shared module is imported once: each file sees the counter one higher, as in prefect register.
    expect(viaWorker.flows.map((f) => f.name)).toEqual(files.map((_, i) => `shared-${i}-${i + 1}`));
    expect(viaWorker.flows.map((f) => pyjsonDumps(f.serialized))).toEqual(inThread.flows.map((f) => pyjsonDumps(f.serialized)));
  });
});

describe('the parse worker never holds or drops the process', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  /** Runs an ES module script with tsx in a child process; its exit code and output. */
  function runScript(body: string): { status: number | null; stdout: string; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'parse-worker-'));
    try {
      const script = join(dir, 'script.mts');
      writeFileSync(script, body.replaceAll('@SRC@', pathToFileURL(join(ROOT, 'src/flows/static/')).href));
      const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('waits for the answers when every file of the first window is refused before the grammar is loaded', () => {
    // Files over the size limit are refused before the worker loads the grammar: nothing may unref
    // the worker while the main thread still waits (the process would end with unsettled awaits).
    const run = runScript(`import { loadFlowsStatic } from '@SRC@index.ts';
const text = 'x = 1\\n' + '#'.repeat(1_100_000) + '\\n';
const files = Array.from({ length: 16 }, (_, i) => ({ path: \`f\${i}.py\`, content: Buffer.from(text) }));
const result = await loadFlowsStatic({ files, storageFor: () => { throw new Error('no flows here'); } });
console.log('errors', result.errors.length, result.errors.every((e) => e.code === 'E_UNSUPPORTED'));
`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('errors 16 true');
  });

  it('lets the process end when nothing is awaited, even if it is never closed', () => {
    // The queue ends with files that did not decode: no empty request may keep the worker referenced.
    const run = runScript(`import { parseAhead, ParseWorker } from '@SRC@parse-ahead.ts';
const worker = ParseWorker.start();
if (!worker) throw new Error('no worker');
const queue = [...Array.from({ length: 24 }, (_, i) => ({ path: \`f\${i}.py\`, text: 'x = 1\\n' })), ...Array(10).fill(undefined)];
const parse = parseAhead(queue, worker);
// Slower than the worker, so every answer is in before the last request would be made.
for (let i = 0; i < 24; i++) {
  await parse(i);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
console.log('parsed', worker.parsedCount);
`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('parsed 24');
  });
});

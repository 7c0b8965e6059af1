/**
 * Parsing on the second core. tree-sitter's parse is about half of what the static loader spends
 * per file, and files are evaluated one after another on the main thread (they share imported
 * modules), so a worker thread parses the next files while the main thread evaluates this one.
 * The worker records each tree into one transferable Int32Array (tree-trace.ts); the main thread
 * copies it into Syntax and runs CPython's checks (parser.ts finishParse), exactly as for a tree
 * parsed here. Anything wrong with the worker and the main thread parses on its own: slower, the
 * same result.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { finishParse, parsePython, type ParseResult } from './parser.js';
import type { ParseReply, ParseRequest } from './parse-protocol.js';
import type { GrammarInfo } from './tree-copy.js';
import { TraceCursor } from './tree-trace.js';

/** Below this many files a worker's start-up (~40 ms) costs more than it saves. */
export const MIN_FILES_FOR_WORKER = 16;
/** Files handed to the worker ahead of the one being evaluated. */
const WINDOW = 24;
/** Characters handed to the worker ahead (bounds the memory held in trees of very large files). */
const WINDOW_CHARS = 4_000_000;
/** Files per message to the worker. */
const CHUNK = 8;

type Waiting = (reply: ParseReply) => void;

/** A parse worker thread; `parse` resolves `undefined` when the worker cannot do the job. */
export class ParseWorker {
  private readonly waiting = new Map<number, Waiting>();
  private readonly grammar: Promise<GrammarInfo | undefined>;
  private grammarSettled = false;
  private nextId = 0;
  private broken = false;
  private closing = false;
  /** Files whose tree came from the worker. */
  parsedCount = 0;
  /** Why the worker stopped before it was closed, if it did. */
  stoppedBecause: string | undefined;

  private constructor(private readonly worker: Worker) {
    let gotGrammar: (grammar: GrammarInfo | undefined) => void = () => undefined;
    this.grammar = new Promise((resolve) => (gotGrammar = resolve));
    const settleGrammar = (grammar: GrammarInfo | undefined): void => {
      this.grammarSettled = true;
      gotGrammar(grammar);
      this.unrefWhenIdle();
    };
    const fail = (why: string): void => {
      if (!this.closing && !this.broken) this.stoppedBecause = why;
      this.broken = true;
      settleGrammar(undefined);
      for (const waiting of this.waiting.values()) waiting({ failed: why });
      this.waiting.clear();
      worker.unref();
    };
    worker.on('message', (reply: ParseReply) => {
      if ('grammar' in reply) return settleGrammar(reply.grammar);
      if (reply.id === undefined) return fail('failed' in reply ? reply.failed : 'an unexpected message');
      const id = reply.id;
      this.waiting.get(id)?.(reply);
      this.waiting.delete(id);
      this.unrefWhenIdle();
    });
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`it exited with code ${code}`));
    // Keeps the process alive only while a parse is awaited (a library caller that forgets
    // close() still exits).
    worker.unref();
  }

  /** Nothing awaited of the worker any more: replies in, and the grammar (results need it). */
  private unrefWhenIdle(): void {
    if (this.waiting.size === 0 && this.grammarSettled) this.worker.unref();
  }

  /** Starts a worker, or returns undefined where one cannot help (one core) or cannot start. */
  static start(): ParseWorker | undefined {
    if (availableParallelism() < 2) return undefined;
    try {
      return new ParseWorker(spawnWorker());
    } catch {
      return undefined;
    }
  }

  /**
   * Parses the files in the worker, sent as one message (each message costs the main thread far
   * more than its size suggests); each result is `undefined` when the worker failed (the caller
   * then parses itself).
   */
  parseMany(files: ReadonlyArray<{ path: string; text: string }>): Array<Promise<ParseResult | undefined>> {
    if (this.broken) return files.map(() => Promise.resolve(undefined));
    if (files.length === 0) return [];
    const requests: ParseRequest[] = files.map(({ path, text }) => ({ id: this.nextId++, path, text }));
    const replies = requests.map((request) => new Promise<ParseReply>((resolve) => this.waiting.set(request.id, resolve)));
    this.worker.ref();
    this.worker.postMessage(requests);
    return replies.map(async (reply, index) => {
      const answer = await reply;
      if ('failed' in answer || 'grammar' in answer) return undefined;
      // An error (a file over the size limit) may come before the grammar: it needs no tree.
      if (!answer.ok) return { ok: false as const, error: answer.error };
      const grammar = await this.grammar;
      if (grammar === undefined) return undefined;
      const { path, text } = files[index] as { path: string; text: string };
      this.parsedCount++;
      return finishParse({ path, text }, new TraceCursor(answer.trace), grammar);
    });
  }

  /** Parses one file in the worker (see parseMany). */
  parse(path: string, text: string): Promise<ParseResult | undefined> {
    return this.parseMany([{ path, text }])[0] as Promise<ParseResult | undefined>;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    this.closing = true;
    this.broken = true;
    await this.worker.terminate();
  }
}

/**
 * The compiled worker next to this module; when running from the TypeScript sources (tests, the
 * benchmarks), a small bootstrap that registers tsx's loader in the worker first.
 */
function spawnWorker(): Worker {
  const entry = new URL(import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return new Worker(entry);
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const api = pathToFileURL(require.resolve(tsxPackage.replace(/package\.json$/, 'dist/esm/api/index.mjs'))).href;
  const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

/** Decoded files to parse in order, or `undefined` for a file that did not decode. */
export type ParseQueue = ReadonlyArray<{ path: string; text: string } | undefined>;

/**
 * The parse of each file of `queue`, asked for in order: with a worker the next WINDOW files are
 * already being parsed while the caller works on this one; without, each is parsed when asked.
 */
export function parseAhead(
  queue: ParseQueue,
  worker: ParseWorker | undefined,
  { windowChars = WINDOW_CHARS }: { windowChars?: number } = {},
): (index: number) => Promise<ParseResult> {
  const started = new Map<number, Promise<ParseResult | undefined>>();
  let posted = 0;
  let charsAhead = 0;
  return async (index) => {
    const file = queue[index];
    if (file === undefined) throw new RangeError(`file ${index} has no text to parse`);
    while (worker && posted < queue.length && posted <= index + WINDOW - CHUNK && (charsAhead < windowChars || posted <= index)) {
      const chunk: number[] = [];
      for (; posted < queue.length && chunk.length < CHUNK && (charsAhead < windowChars || chunk.length === 0); posted++) {
        const next = queue[posted];
        if (!next) continue;
        chunk.push(posted);
        charsAhead += next.text.length;
      }
      const parsing = worker.parseMany(chunk.map((i) => queue[i] as { path: string; text: string }));
      parsing.forEach((promise, k) => {
        // Awaited when its turn comes; a caller that stops early must not leave a rejection unhandled.
        promise.catch(() => undefined);
        started.set(chunk[k] as number, promise);
      });
    }
    const parsing = started.get(index);
    started.delete(index);
    if (parsing !== undefined) charsAhead -= file.text.length;
    return (await parsing) ?? parsePython(file.path, file.text);
  };
}

/**
 * The parse worker's entry (see parse-ahead.ts): tree-sitter runs here, on another core, while
 * the main thread evaluates the files parsed before. Each request gets its tree recorded as one
 * transferable Int32Array (tree-trace.ts), or the syntax error.
 */
import { parentPort } from 'node:worker_threads';
import { recordTree } from './tree-trace.js';
import { parserGrammar, withTree } from './wasm-parse.js';
import type { ParseReply, ParseRequest } from './parse-protocol.js';

const port = parentPort;
if (port) {
  port.on('message', (requests: ParseRequest[]) => {
    for (const request of requests) {
      void withTree(request.path, request.text, (cursor) => recordTree(cursor)).then(
        (result) => {
          const reply: ParseReply = result.ok ? { id: request.id, ok: true, trace: result.value } : { id: request.id, ok: false, error: result.error };
          port.postMessage(reply, result.ok ? [result.value.buffer as ArrayBuffer] : []);
        },
        (error: unknown) => port.postMessage({ id: request.id, failed: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
      );
    }
  });
  // The grammar first: the main thread needs it to read the trees.
  parserGrammar().then(
    (grammar) => port.postMessage({ grammar } satisfies ParseReply),
    (error: unknown) => port.postMessage({ failed: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
  );
}

/** Messages between the main thread and the parse worker (parse-ahead.ts, parse-worker.ts). */
import type { FlowLoadError } from '../types.js';
import type { GrammarInfo } from './tree-copy.js';

/** Parse one decoded file (requests go in arrays: one message for several files). */
export interface ParseRequest {
  id: number;
  path: string;
  text: string;
}

/**
 * The grammar (sent once, first); a recorded tree or the error for the file; or `failed`: the
 * worker itself could not do the job (the main thread then parses on its own).
 */
export type ParseReply =
  | { grammar: GrammarInfo }
  | { id: number; ok: true; trace: Int32Array }
  | { id: number; ok: false; error: FlowLoadError }
  | { id?: number; failed: string };

import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { PyJsonValue, PyValue } from './py-value.js';
import { parsePyJson, pyjsonDumps } from './pyjson.js';

/**
 * The idempotency key `prefect register` sends: the SHA-256 (lowercase hex) of
 * `json.dumps(flow, sort_keys=True)` encoded as UTF-8.
 */
export function idempotencyKey(flow: PyJsonValue): string {
  return idempotencyKeyOfText(pyjsonDumps(flow, { sortKeys: true }));
}

/**
 * The idempotency key of text that already is Python's `json.dumps(flow, sort_keys=True)`
 * (the python loader gets it from Python itself): SHA-256 hex of its UTF-8 bytes.
 */
export function idempotencyKeyOfText(sortedJsonText: string): string {
  return createHash('sha256').update(sortedJsonText, 'utf8').digest('hex');
}

/**
 * Prefect's `compress(flow)`: standard padded base64 of gzip (level 9) of `json.dumps(flow)` with
 * default options (no key sorting). Python's bytes differ only in the gzip header (mtime, OS
 * byte); the server accepts any valid gzip.
 */
export function compressFlow(flow: PyJsonValue): string {
  return gzipSync(Buffer.from(pyjsonDumps(flow), 'utf8'), { level: 9 }).toString('base64');
}

/**
 * Prefect's `decompress(s)`: base64 → gunzip → JSON, keeping Python's int/float distinction.
 *
 * @throws Error when the text is not base64 of gzip, or the JSON is invalid.
 */
export function decompressFlow(compressed: string): PyValue {
  const bytes = Buffer.from(compressed, 'base64');
  return parsePyJson(gunzipSync(bytes).toString('utf8'));
}

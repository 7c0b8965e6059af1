/**
 * Bytes → text the way CPython reads a script: UTF-8 unless a coding cookie says otherwise,
 * a leading BOM dropped, universal newlines. Anything Python would reject is a parse error.
 */
import { fileError } from './refusal.js';
import type { FlowLoadError } from '../types.js';

const PARSE_HINT = 'fix the syntax error; Python cannot import this file either';
/** Rejects invalid UTF-8 (overlongs and surrogates included), keeps a BOM we already removed. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * Python 3.11's names (and aliases) of encodings that read every ASCII text as the same text,
 * normalized as `encodings.normalize_encoding` does. Others are refused even for an ASCII file:
 * Python may not know them ("unknown encoding") or read ASCII differently (utf-7, hz,
 * unicode_escape).
 */
const ASCII_ENCODINGS = new Set([
  '646 8859 ansi_x3.4_1968 ansi_x3.4_1986 ansi_x3_4_1968 ascii cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256',
  'cp1257 cp1258 cp819 ibm819 iso646_us iso8859 iso8859_1 iso8859_10 iso8859_11 iso8859_13 iso8859_14 iso8859_15',
  'iso8859_16 iso8859_2 iso8859_3 iso8859_4 iso8859_5 iso8859_6 iso8859_7 iso8859_8 iso8859_9 iso_646.irv_1991',
  'iso_8859_1 iso_8859_10 iso_8859_10_1992 iso_8859_11 iso_8859_11_2001 iso_8859_13 iso_8859_14 iso_8859_14_1998',
  'iso_8859_15 iso_8859_16 iso_8859_16_2001 iso_8859_1_1987 iso_8859_2 iso_8859_2_1987 iso_8859_3 iso_8859_3_1988',
  'iso_8859_4 iso_8859_4_1988 iso_8859_5 iso_8859_5_1988 iso_8859_6 iso_8859_6_1987 iso_8859_7 iso_8859_7_1987',
  'iso_8859_8 iso_8859_8_1988 iso_8859_9 iso_8859_9_1989 iso_celtic iso_ir_100 iso_ir_101 iso_ir_109 iso_ir_110',
  'iso_ir_126 iso_ir_127 iso_ir_138 iso_ir_144 iso_ir_148 iso_ir_157 iso_ir_166 iso_ir_199 iso_ir_226 iso_ir_58',
  'iso_ir_6 l1 l10 l2 l3 l4 l5 l6 l7 l8 l9 latin latin1 latin10 latin2 latin3 latin4 latin5 latin6 latin7 latin8',
  'latin9 latin_1 u8 us us_ascii utf utf8 utf8_ucs2 utf8_ucs4 utf_8 windows_1250 windows_1251 windows_1252',
  'windows_1253 windows_1254 windows_1255 windows_1256 windows_1257 windows_1258',
].join(' ').split(' '));

/** Whether Python reads an ASCII file declaring this encoding as the same text. */
function asciiEncoding(cookie: string): boolean {
  // The tokenizer's own normal names come first: `utf-8-*`, `latin-1-*`, `iso-8859-1-*`, `iso-latin-1-*`.
  const dashed = cookie.toLowerCase().replace(/_/g, '-');
  if (/^(?:utf-8|latin-1|iso-8859-1|iso-latin-1)(?:-|$)/.test(dashed)) return true;
  const normal = cookie.toLowerCase().replace(/[^a-z0-9.]+/g, '_').replace(/^_+|_+$/g, '');
  return ASCII_ENCODINGS.has(normal) || ASCII_ENCODINGS.has(normal.replace(/\./g, '_'));
}

/** Decoded source, or the error Python would raise on it. */
export type DecodeResult = { ok: true; text: string } | { ok: false; error: FlowLoadError };

/** Decodes a flow file's bytes. Never throws. */
export function decodeSource(path: string, bytes: Uint8Array): DecodeResult {
  let body = bytes;
  const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  if (bom) body = body.subarray(3);
  // The cookie is ASCII on line 1 or 2; read it before decoding (another encoding may apply).
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 1024)).toString('latin1');
  const cookie = codingCookie(head);
  let nonAscii = false;
  for (let i = 0; i < body.length && !nonAscii; i++) nonAscii = (body[i] as number) > 0x7f;
  // Another ASCII-compatible encoding reads pure ASCII the same; otherwise the text would differ.
  const utf8 = cookie === undefined || /^utf[-_]?8(?:[-_].*)?$/i.test(cookie);
  if (cookie !== undefined && bom && !/^utf[-_]8(?:[-_].*)?$/i.test(cookie)) return fail(path, 1, 1, `encoding problem: ${cookie} with BOM`);
  if (cookie !== undefined && !asciiEncoding(cookie)) {
    return {
      ok: false,
      error: fileError('E_UNSUPPORTED', path, 1, 1, `the file declares the encoding "${cookie}", which the static loader does not read (Python may not know it, or read the text differently)`,
        'save the file as UTF-8 without an encoding declaration, or register it with `--loader python`', `coding: ${cookie}`),
    };
  }
  if (!utf8 && nonAscii) {
    return {
      ok: false,
      error: fileError('E_UNSUPPORTED', path, 1, 1, `the file declares the encoding "${cookie}"; the static loader reads UTF-8 only`,
        'save the file as UTF-8, or register it with `--loader python`', `coding: ${cookie}`),
    };
  }
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    const bad = Math.max(0, firstInvalidUtf8(body));
    const { line, column } = bytePosition(body, bad);
    return fail(path, line, column, `invalid UTF-8 byte 0x${(body[bad] ?? 0).toString(16).padStart(2, '0')}; Python reads source files as UTF-8`);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const { line, column } = charPosition(text, nul);
    return fail(path, line, column, 'source code cannot contain null bytes');
  }
  // Python's tokenizer translates \r\n and lone \r to \n before anything else.
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  return { ok: true, text };
}

function fail(path: string, line: number, column: number, message: string): DecodeResult {
  return { ok: false, error: fileError('E_PARSE', path, line, column, message, PARSE_HINT) };
}

function codingCookie(text: string): string | undefined {
  const lines = text.split('\n', 2);
  for (const line of lines) {
    const match = COOKIE.exec(line);
    if (match) return match[1];
    // The cookie counts on line 2 only when line 1 is blank or a comment.
    if (!/^[ \t\f]*(?:#.*)?\r?$/.test(line)) break;
  }
  return undefined;
}

/** Offset of the first byte that breaks UTF-8 (overlongs and surrogates included), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function bytePosition(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function charPosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

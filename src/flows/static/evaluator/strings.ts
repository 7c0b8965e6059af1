/**
 * String literals as Python reads them: prefixes, escape sequences, implicit concatenation and
 * f-strings (conversions and the simple format specs whose output is certain).
 */
import { refuseUnknown } from '../convert.js';
import { refuse } from '../refusal.js';
import { namedChildren, textOf, type Syntax } from '../syntax.js';
import { plainOpaque, pyStr, type Value } from '../values.js';
import type { Interp } from './interp-types.js';
import type { Scope } from './scope.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

/** Decodes the escapes of a non-raw str literal body. */
export function decodeEscapes(raw: string, node: Syntax): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[i + 1] as string;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(raw.slice(i + 1)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const len = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = raw.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) refuse(node, 'a malformed escape sequence');
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) refuse(node, 'an escape beyond U+10FFFF');
      out += String.fromCodePoint(cp);
      i += 1 + len;
    } else if (next === 'N') {
      refuse(node, 'a \\N{...} escape');
    } else {
      // Unknown escapes stay as written (with a DeprecationWarning in Python).
      out += '\\' + next;
      i++;
    }
  }
  return out;
}

/** The value of a `string` or `concatenated_string` node. */
export function evalString(interp: Interp, node: Syntax, scope: Scope): Value {
  const parts = node.type === 'concatenated_string' ? namedChildren(node) : [node];
  let out = '';
  let bytes = false;
  for (const part of parts) {
    const start = part.children[0];
    const prefix = start ? textOf(start).replace(/['"]+$/, '').toLowerCase() : '';
    if (prefix.includes('b')) bytes = true;
    const raw = prefix.includes('r');
    const isF = prefix.includes('f');
    for (const child of part.children) {
      if (child.type === 'string_content') {
        let text = textOf(child);
        if (isF) text = text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        out += raw ? text : decodeEscapes(text, child);
      } else if (child.type === 'interpolation') {
        out += interpolate(interp, child, scope);
      } else if (child.type === 'escape_sequence') {
        out += raw ? textOf(child) : decodeEscapes(textOf(child), child);
      }
    }
  }
  if (bytes) return plainOpaque('a bytes literal');
  return pyStr(out);
}

function interpolate(interp: Interp, node: Syntax, scope: Scope): string {
  const expr = node.fields?.get('expression')?.[0];
  if (!expr) return refuse(node, 'an f-string field the loader cannot read');
  if (node.children.some((c) => !c.named && c.type === '=')) refuse(node, 'a self-documenting f-string field (`{x=}`)');
  const value = interp.evalExpr(expr, scope);
  const conversion = node.fields?.get('type_conversion')?.[0];
  const spec = node.fields?.get('format_specifier')?.[0];
  let text: string;
  const conv = conversion ? textOf(conversion).replace('!', '') : '';
  if (conv === 'r') text = interp.repr(value, node);
  else if (conv === 'a') return refuse(node, 'an !a conversion');
  else if (spec && !conv) return formatSpec(interp, value, spec, scope, node);
  else text = interp.str(value, node);
  if (spec) return applySpec(pyStr(text), specText(interp, spec, scope), node);
  return text;
}

function specText(interp: Interp, spec: Syntax, scope: Scope): string {
  let out = '';
  let pos = spec.start;
  const text = spec.file.text;
  for (const child of namedChildren(spec)) {
    if (child.type !== 'format_expression') continue;
    out += text.slice(pos, child.start);
    const inner = child.fields?.get('expression')?.[0];
    if (!inner) refuse(child, 'a nested format field');
    out += interp.str(interp.evalExpr(inner, scope), child);
    pos = child.end;
  }
  out += text.slice(pos, spec.end);
  return out.replace(/^:/, '');
}

function formatSpec(interp: Interp, value: Value, spec: Syntax, scope: Scope, node: Syntax): string {
  return applySpec(value, specText(interp, spec, scope), node);
}

const SPEC = /^(?:(.)?([<>^=]))?([+\- ]?)(0?)(\d*)([sd]?)$/u;

/** `format(value, spec)` for str and int with fill/align/sign/zero-pad/width only. */
export function applySpec(value: Value, spec: string, node: Syntax): string {
  if (spec === '') {
    if (value.kind === 'str') return value.v;
    if (value.kind === 'int') return value.v.toString();
  }
  const m = SPEC.exec(spec);
  if (!m) return refuse(node, `the format spec "${spec}"`);
  const [, fillRaw, alignRaw, sign, zero, widthRaw, type] = m;
  let body: string;
  let negative = false;
  if (value.kind === 'int' && type !== 's') {
    negative = value.v < 0n;
    body = (negative ? -value.v : value.v).toString();
  } else if (value.kind === 'str' && (type === '' || type === 's') && !sign && !zero) {
    body = value.v;
  } else {
    if (value.kind === 'opaque') refuseUnknown(value, node, 'a formatted value');
    return refuse(node, `the format spec "${spec}" for this value`);
  }
  const signText = value.kind === 'int' ? (negative ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '') : '';
  const width = widthRaw ? Number(widthRaw) : 0;
  const fill = fillRaw ?? (zero ? '0' : ' ');
  const align = alignRaw ?? (zero ? '=' : value.kind === 'int' ? '>' : '<');
  const len = [...body].length + signText.length;
  const pad = Math.max(0, width - len);
  if (align === '=') return signText + fill.repeat(pad) + body;
  if (align === '>') return fill.repeat(pad) + signText + body;
  if (align === '<') return signText + body + fill.repeat(pad);
  const left = Math.floor(pad / 2);
  return fill.repeat(left) + signText + body + fill.repeat(pad - left);
}

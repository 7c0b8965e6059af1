/** Methods of str, list, dict and set that flow files use to prepare names and options. */
import { checkPoison, describe, expectInt, expectStr } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { native, NONE, pyBool, pyInt, pyList, pyStr, pyTuple, type BuiltinV, type DictV, type SetV, type Value } from '../values.js';
import { dictSet, setAdd } from '../evaluator/expressions.js';
import type { CallArgs, Interp } from '../evaluator/interp-types.js';
import { iterateAll } from '../evaluator/iteration.js';
import { equals, keyOf, type ViewData } from '../evaluator/ops.js';
import { applySpec } from '../evaluator/strings.js';
import { isAscii } from '../py-repr.js';

/** Python's whitespace for str.split()/strip() on ASCII text. */
const WHITESPACE = ' \t\n\r\u000b\u000c';

type Fn = (interp: Interp, args: CallArgs, node: Syntax) => Value;

function m(name: string, call: Fn): BuiltinV {
  return { kind: 'builtin', name, call };
}


function strArg(args: CallArgs, i: number, node: Syntax, what: string): string {
  const v = args.positional[i];
  if (!v) return raisePy(node, 'TypeError', `missing ${what}`);
  return expectStr(v, node, what);
}

function strMethod(s: string, name: string): Fn | undefined {
  const ascii = isAscii(s);
  const needAscii = (node: Syntax): void => {
    if (!ascii) refuse(node, `str.${name}() on non-ASCII text (Unicode tables differ between versions)`);
  };
  switch (name) {
    case 'upper': return (_i, _a, n) => { needAscii(n); return pyStr(s.toUpperCase()); };
    case 'lower': return (_i, _a, n) => { needAscii(n); return pyStr(s.toLowerCase()); };
    case 'title': return (_i, _a, n) => { needAscii(n); return pyStr(s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_x, p: string, c: string) => p + c.toUpperCase())); };
    case 'capitalize': return (_i, _a, n) => { needAscii(n); return pyStr(s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()); };
    case 'strip': case 'lstrip': case 'rstrip': return (_i, a, n) => {
      const chars = a.positional[0] && a.positional[0].kind !== 'none' ? strArg(a, 0, n, 'the characters') : undefined;
      if (chars === undefined) needAscii(n);
      const set = chars === undefined ? WHITESPACE : chars;
      let start = 0;
      let end = s.length;
      if (name !== 'rstrip') while (start < end && set.includes(s[start] as string)) start++;
      if (name !== 'lstrip') while (end > start && set.includes(s[end - 1] as string)) end--;
      return pyStr(s.slice(start, end));
    };
    case 'replace': return (_i, a, n) => {
      const old = strArg(a, 0, n, 'the old text');
      const rep = strArg(a, 1, n, 'the new text');
      if (a.positional[2]) return refuse(n, 'str.replace with a count');
      if (old === '') return refuse(n, 'str.replace of the empty string');
      return pyStr(s.split(old).join(rep));
    };
    case 'split': return (_i, a, n) => {
      const sep = a.positional[0] ?? a.keywords.find(([k]) => k === 'sep')?.[1];
      if (a.positional[1] || a.keywords.some(([k]) => k === 'maxsplit')) return refuse(n, 'str.split with maxsplit');
      if (!sep || sep.kind === 'none') {
        needAscii(n);
        return pyList(s.split(/[ \t\n\r\v\f]+/).filter((x) => x !== '').map(pyStr));
      }
      const sepStr = expectStr(sep, n, 'the separator');
      if (sepStr === '') raisePy(n, 'ValueError', 'empty separator');
      return pyList(s.split(sepStr).map(pyStr));
    };
    case 'join': return (i, a, n) => {
      const items = iterateAll(i, a.positional[0] ?? NONE, n);
      return pyStr(items.map((x) => expectStr(x, n, 'each joined item')).join(s));
    };
    case 'startswith': case 'endswith': return (_i, a, n) => {
      const arg = a.positional[0];
      const options = arg?.kind === 'tuple' ? arg.items.map((x) => expectStr(x, n, 'a prefix')) : [strArg(a, 0, n, 'the prefix')];
      return pyBool(options.some((o) => (name === 'startswith' ? s.startsWith(o) : s.endsWith(o))));
    };
    case 'format': return (i, a, n) => pyStr(formatString(i, s, a, n));
    case 'zfill': return (_i, a, n) => {
      const width = expectInt(a.positional[0] ?? NONE, n, 'the width');
      const sign = s.startsWith('-') || s.startsWith('+') ? (s[0] as string) : '';
      const body = sign ? s.slice(1) : s;
      return pyStr(sign + body.padStart(Math.max(0, width - sign.length), '0'));
    };
    case 'isdigit': return () => pyBool(/^[0-9]+$/.test(s));
    default: return undefined;
  }
}

/** `str.format` with `{}`, `{0}`, `{name}` fields and the simple specs `applySpec` knows. */
function formatString(interp: Interp, s: string, args: CallArgs, node: Syntax): string {
  let auto = 0;
  return s.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, inner: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const [fieldName = '', spec] = (inner ?? '').split(':', 2);
    if (/[![.]/.test(fieldName)) return refuse(node, 'a str.format field with conversions, attributes or indexes');
    let v: Value | undefined;
    if (fieldName === '') v = args.positional[auto++];
    else if (/^\d+$/.test(fieldName)) v = args.positional[Number(fieldName)];
    else v = args.keywords.find(([k]) => k === fieldName)?.[1];
    if (v === undefined) return raisePy(node, 'IndexError', `Replacement index ${fieldName || auto - 1} out of range`);
    return spec === undefined ? interp.str(v, node) : applySpec(v, spec, node);
  });
}

function listMethod(list: Extract<Value, { kind: 'list' }>, name: string): Fn | undefined {
  switch (name) {
    case 'append': return (_i, a, n) => { checkPoison(list); list.items.push(a.positional[0] ?? raisePy(n, 'TypeError', 'append() takes one argument')); return NONE; };
    case 'extend': return (i, a, n) => { checkPoison(list); list.items.push(...iterateAll(i, a.positional[0] ?? NONE, n)); return NONE; };
    case 'insert': return (_i, a, n) => {
      checkPoison(list);
      let at = expectInt(a.positional[0] ?? NONE, n, 'the index');
      if (at < 0) at = Math.max(0, at + list.items.length);
      list.items.splice(Math.min(at, list.items.length), 0, a.positional[1] ?? NONE);
      return NONE;
    };
    case 'pop': return (_i, a, n) => {
      checkPoison(list);
      if (list.items.length === 0) raisePy(n, 'IndexError', 'pop from empty list');
      let at = a.positional[0] ? expectInt(a.positional[0], n, 'the index') : list.items.length - 1;
      if (at < 0) at += list.items.length;
      if (at < 0 || at >= list.items.length) raisePy(n, 'IndexError', 'pop index out of range');
      return list.items.splice(at, 1)[0] as Value;
    };
    case 'copy': return () => pyList([...list.items]);
    case 'reverse': return () => { list.items.reverse(); return NONE; };
    case 'index': return (_i, a, n) => {
      const x = a.positional[0] ?? NONE;
      for (let k = 0; k < list.items.length; k++) {
        const eq = equals(list.items[k] as Value, x);
        if (eq === undefined) return refuse(n, `list.index comparing ${describe(x)}`);
        if (eq) return pyInt(k);
      }
      return raisePy(n, 'ValueError', 'value is not in list');
    };
    default: return undefined;
  }
}

function dictMethod(d: DictV, name: string): Fn | undefined {
  const view = (what: ViewData['what'], items: Value[]): Value => native('view', { what, items } satisfies ViewData);
  switch (name) {
    case 'items': return () => view('dict_items', [...d.map.values()].map((e) => pyTuple([e.k, e.v])));
    case 'keys': return () => view('dict_keys', [...d.map.values()].map((e) => e.k));
    case 'values': return () => view('dict_values', [...d.map.values()].map((e) => e.v));
    case 'get': return (_i, a, n) => {
      const key = keyOf(a.positional[0] ?? NONE);
      if (key === undefined) return refuse(n, 'dict.get with an unhashable or unknown key');
      return d.map.get(key)?.v ?? a.positional[1] ?? NONE;
    };
    case 'copy': return () => ({ kind: 'dict', map: new Map([...d.map].map(([k, e]) => [k, { ...e }])) });
    case 'update': return (i, a, n) => {
      checkPoison(d);
      const src = a.positional[0];
      if (src) {
        if (src.kind !== 'dict') return refuse(n, `dict.update from ${describe(src)}`);
        for (const e of src.map.values()) dictSet(d, e.k, e.v, n);
      }
      for (const [k, v] of a.keywords) dictSet(d, pyStr(k), v, n);
      void i;
      return NONE;
    };
    case 'setdefault': return (_i, a, n) => {
      checkPoison(d);
      const k = a.positional[0] ?? NONE;
      const key = keyOf(k);
      if (key === undefined) return refuse(n, 'dict.setdefault with an unhashable or unknown key');
      const existing = d.map.get(key);
      if (existing) return existing.v;
      const v = a.positional[1] ?? NONE;
      d.map.set(key, { k, v });
      return v;
    };
    case 'pop': return (_i, a, n) => {
      checkPoison(d);
      const key = keyOf(a.positional[0] ?? NONE);
      if (key === undefined) return refuse(n, 'dict.pop with an unhashable or unknown key');
      const e = d.map.get(key);
      if (e) {
        d.map.delete(key);
        return e.v;
      }
      return a.positional[1] ?? raisePy(n, 'KeyError', 'missing key');
    };
    default: return undefined;
  }
}

function setMethod(s: SetV, name: string): Fn | undefined {
  switch (name) {
    case 'add': return (_i, a, n) => { checkPoison(s); setAdd(s, a.positional[0] ?? NONE, n); return NONE; };
    case 'update': return (i, a, n) => { checkPoison(s); for (const v of iterateAll(i, a.positional[0] ?? NONE, n)) setAdd(s, v, n); return NONE; };
    case 'copy': return () => ({ kind: 'set', map: new Map(s.map) });
    default: return undefined;
  }
}

/** A bound method of a plain value, or undefined. */
export function valueMethod(_interp: Interp, obj: Value, name: string, _node: Syntax): BuiltinV | undefined {
  let f: Fn | undefined;
  if (obj.kind === 'str') f = strMethod(obj.v, name);
  else if (obj.kind === 'list') f = listMethod(obj, name);
  else if (obj.kind === 'dict') f = dictMethod(obj, name);
  else if (obj.kind === 'set') f = setMethod(obj, name);
  return f ? m(`${obj.kind}.${name}`, f) : undefined;
}


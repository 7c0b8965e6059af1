/**
 * Python builtins the loader evaluates. Functions that would let code escape static reading
 * (exec, eval, getattr, globals, ...) refuse; I/O returns unknown plain values.
 */
import { checkPoison, describe, expectInt, refuseUnknown } from '../convert.js';
import { FileRefusal, raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import {
  FALSE, NONE, native, plainOpaque, pyBool, pyFloatV, pyInt, pyList, pyStr, pyTuple, TRUE,
  type BuiltinV, type DictV, type SetV, type Value,
} from '../values.js';
import { dictSet, setAdd } from '../evaluator/expressions.js';
import type { CallArgs, Interp } from '../evaluator/interp-types.js';
import { iterateAll } from '../evaluator/iteration.js';
import { rangeLength, type RangeData, type ViewData } from '../evaluator/ops.js';
import { iterationBuiltins } from './iter-builtins.js';

type Fn = (interp: Interp, args: CallArgs, node: Syntax) => Value;

function fn(name: string, call: Fn, pyType?: string): BuiltinV {
  return { kind: 'builtin', name, call, ...(pyType === undefined ? {} : { pyType }) };
}

function noKeywords(args: CallArgs, name: string, node: Syntax): void {
  if (args.keywords.length > 0) raisePy(node, 'TypeError', `${name}() takes no keyword arguments`);
}

function arg(args: CallArgs, i: number, name: string, node: Syntax): Value {
  const v = args.positional[i];
  if (v === undefined) return raisePy(node, 'TypeError', `${name}() missing required argument`);
  return v;
}


function refuser(name: string, why: string): BuiltinV {
  return fn(name, (_i, _a, node) => refuse(node, `${name}() ${why}`));
}

/** Builtins that can bind any module name (flows included): no flow of the file is certain. */
function fileRefuser(name: string, why: string): BuiltinV {
  return fn(name, (_i, _a, node) => {
    throw new FileRefusal(node, `${name}() ${why}, which may define or replace any name of the file`);
  });
}

function len(interp: Interp, args: CallArgs, node: Syntax): Value {
  noKeywords(args, 'len', node);
  const v = arg(args, 0, 'len', node);
  checkPoison(v);
  switch (v.kind) {
    case 'str': return pyInt([...v.v].length);
    case 'list': case 'tuple': return pyInt(v.items.length);
    case 'dict': case 'set': return pyInt(v.map.size);
    case 'native':
      if (v.type === 'range') return pyInt(rangeLength(v.data as RangeData));
      if (v.type === 'view') return pyInt((v.data as ViewData).items.length);
      break;
    case 'opaque':
      if (!v.prefectish) return plainOpaque(`len(${v.what})`);
      return refuseUnknown(v, node, 'the argument of len()');
    default: break;
  }
  return raisePy(node, 'TypeError', `object of type '${v.kind}' has no len()`);
}

function range(_interp: Interp, args: CallArgs, node: Syntax): Value {
  noKeywords(args, 'range', node);
  const ints = args.positional.map((v) => BigInt(expectInt(v, node, 'a range() bound')));
  if (ints.length === 0 || ints.length > 3) raisePy(node, 'TypeError', 'range expected 1 to 3 arguments');
  const [a, b, c] = ints;
  const data: RangeData = ints.length === 1 ? { start: 0n, stop: a as bigint, step: 1n } : { start: a as bigint, stop: b as bigint, step: c ?? 1n };
  if (data.step === 0n) raisePy(node, 'ValueError', 'range() arg 3 must not be zero');
  return native('range', data);
}

function toStrArg(interp: Interp, args: CallArgs, node: Syntax): Value {
  if (args.positional.length === 0) return pyStr('');
  const v = args.positional[0] as Value;
  if (v.kind === 'opaque' && !v.prefectish) return plainOpaque(`str(${v.what})`);
  return pyStr(interp.str(v, node));
}

function toInt(_interp: Interp, args: CallArgs, node: Syntax): Value {
  if (args.positional.length === 0) return pyInt(0);
  const v = args.positional[0] as Value;
  checkPoison(v);
  if (v.kind === 'int') return v;
  if (v.kind === 'bool') return pyInt(v.v ? 1 : 0);
  if (v.kind === 'float') {
    if (!Number.isFinite(v.v)) raisePy(node, 'ValueError', 'cannot convert float to integer');
    return pyInt(BigInt(Math.trunc(v.v)));
  }
  if (v.kind === 'str' && args.positional.length === 1) {
    const t = v.v.trim().replace(/_/g, '');
    if (!/^[+-]?\d+$/.test(t)) raisePy(node, 'ValueError', `invalid literal for int() with base 10: '${v.v}'`);
    return pyInt(BigInt(t));
  }
  if (v.kind === 'opaque' && !v.prefectish) return plainOpaque(`int(${v.what})`);
  return refuse(node, `int() of ${describe(v)}`);
}

function toFloat(_interp: Interp, args: CallArgs, node: Syntax): Value {
  if (args.positional.length === 0) return pyFloatV(0);
  const v = args.positional[0] as Value;
  checkPoison(v);
  if (v.kind === 'float') return v;
  if (v.kind === 'int') return pyFloatV(Number(v.v));
  if (v.kind === 'bool') return pyFloatV(v.v ? 1 : 0);
  if (v.kind === 'opaque' && !v.prefectish) return plainOpaque(`float(${v.what})`);
  return refuse(node, `float() of ${describe(v)}`);
}

function makeDict(interp: Interp, args: CallArgs, node: Syntax): Value {
  const d: DictV = { kind: 'dict', map: new Map() };
  const src = args.positional[0];
  if (src) {
    checkPoison(src);
    if (src.kind === 'dict') for (const e of src.map.values()) dictSet(d, e.k, e.v, node);
    else {
      for (const pair of iterateAll(interp, src, node)) {
        const kv = iterateAll(interp, pair, node);
        if (kv.length !== 2) raisePy(node, 'ValueError', 'dictionary update sequence element has wrong length');
        dictSet(d, kv[0] as Value, kv[1] as Value, node);
      }
    }
  }
  for (const [k, v] of args.keywords) dictSet(d, pyStr(k), v, node);
  return d;
}

function makeSet(interp: Interp, args: CallArgs, node: Syntax): Value {
  const s: SetV = { kind: 'set', map: new Map() };
  if (args.positional[0]) for (const v of iterateAll(interp, args.positional[0], node)) setAdd(s, v, node);
  return s;
}

function isinstance(_interp: Interp, args: CallArgs, node: Syntax): Value {
  const [v, cls] = args.positional;
  if (!v || !cls) return raisePy(node, 'TypeError', 'isinstance expected 2 arguments');
  const types = cls.kind === 'tuple' ? cls.items : [cls];
  const kindOf: Record<string, string[]> = { int: ['int', 'bool'], bool: ['bool'], str: ['str'], float: ['float'], list: ['list'], dict: ['dict'], tuple: ['tuple'], set: ['set'] };
  if (!['none', 'bool', 'int', 'float', 'str', 'list', 'tuple', 'dict', 'set'].includes(v.kind)) return refuse(node, `isinstance() of ${describe(v)}`);
  for (const t of types) {
    if (t.kind !== 'builtin' || !t.pyType || !kindOf[t.pyType]) return refuse(node, 'isinstance() with a class the loader does not model');
    if (kindOf[t.pyType]?.includes(v.kind)) return TRUE;
  }
  return FALSE;
}

const entries: BuiltinV[] = [
  fn('print', () => NONE),
  // super() is resolved by the call site (it needs the method's class and self).
  fn('super', (_i, _a, n) => refuse(n, 'super() used other than as super().__init__(...) in a method')),
  fn('len', len),
  fn('range', range),
  fn('repr', (i, a, n) => pyStr(i.repr(arg(a, 0, 'repr', n), n))),
  fn('str', toStrArg, 'str'),
  fn('int', toInt, 'int'),
  fn('float', toFloat, 'float'),
  fn('bool', (i, a, n) => (a.positional[0] ? pyBool(i.truthy(a.positional[0], n)) : FALSE), 'bool'),
  fn('list', (i, a, n) => pyList(a.positional[0] ? iterateAll(i, a.positional[0], n) : []), 'list'),
  fn('tuple', (i, a, n) => pyTuple(a.positional[0] ? iterateAll(i, a.positional[0], n) : []), 'tuple'),
  fn('dict', makeDict, 'dict'),
  fn('set', makeSet, 'set'),
  fn('frozenset', (_i, _a, n) => refuse(n, 'frozenset()'), 'frozenset'),
  fn('bytes', (_i, _a, n) => refuse(n, 'bytes()'), 'bytes'),
  fn('object', (_i, _a, n) => refuse(n, 'object()'), 'object'),
  fn('complex', (_i, _a, n) => refuse(n, 'complex()'), 'complex'),
  fn('type', (_i, _a, n) => refuse(n, 'type()'), 'type'),
  ...iterationBuiltins(fn),
  fn('abs', (_i, a, n) => {
    const v = arg(a, 0, 'abs', n);
    if (v.kind === 'int') return pyInt(v.v < 0n ? -v.v : v.v);
    if (v.kind === 'float') return pyFloatV(Math.abs(v.v));
    return refuse(n, `abs() of ${describe(v)}`);
  }),
  fn('isinstance', isinstance),
  fn('open', () => plainOpaque('a file opened while the flow is registered')),
  fn('input', (_i, _a, n) => refuse(n, 'input()')),
  fileRefuser('exec', 'runs code the loader cannot read'),
  fileRefuser('eval', 'runs code the loader cannot read'),
  fileRefuser('compile', 'compiles code the loader cannot read'),
  refuser('__import__', 'imports dynamically'),
  fileRefuser('globals', 'exposes the namespace'),
  fileRefuser('locals', 'exposes the namespace'),
  fileRefuser('vars', 'exposes the namespace'),
  refuser('getattr', 'reads attributes dynamically'),
  fileRefuser('setattr', 'sets attributes dynamically'),
  fileRefuser('delattr', 'deletes attributes dynamically'),
  refuser('hasattr', 'inspects attributes dynamically'),
  refuser('callable', 'inspects objects dynamically'),
  refuser('id', 'depends on memory addresses'),
  refuser('hash', 'depends on hash randomization'),
  refuser('round', 'is not modelled'),
  refuser('divmod', 'is not modelled'),
  refuser('pow', 'is not modelled'),
  refuser('staticmethod', 'is not modelled'),
  refuser('classmethod', 'is not modelled'),
  refuser('property', 'is not modelled'),
  refuser('issubclass', 'is not modelled'),
  refuser('format', 'is not modelled'),
  refuser('chr', 'is not modelled'),
  refuser('ord', 'is not modelled'),
];

const EXCEPTIONS = ['Exception', 'BaseException', 'ValueError', 'TypeError', 'KeyError', 'IndexError', 'RuntimeError',
  'NotImplementedError', 'AttributeError', 'ImportError', 'ModuleNotFoundError', 'OSError', 'AssertionError', 'SystemExit', 'KeyboardInterrupt'];

/** The builtins namespace. */
export const PY_BUILTINS: ReadonlyMap<string, Value> = new Map<string, Value>([
  ...entries.map((b): [string, Value] => [b.name, b]),
  ...EXCEPTIONS.map((name): [string, Value] => [name, fn(name, () => native('exception', name))]),
  ['NotImplemented', native('notimplemented', null)],
  ['Ellipsis', native('ellipsis', null)],
]);


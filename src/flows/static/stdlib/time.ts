/**
 * `datetime.timedelta`, `datetime.datetime`, `pendulum.datetime`, `pendulum.duration` and
 * `pendulum.timezone`: exact integer arithmetic on microseconds and calendar fields. Wall
 * times that fall into a DST gap are refused (pendulum would move them).
 */
import { checkPoison, describe, expectInt, expectStr, refuseUnknown } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { native, plainOpaque, type BuiltinV, type Value } from '../values.js';
import { bindArguments, type BindParam } from '../evaluator/binding.js';
import type { CallArgs } from '../evaluator/interp-types.js';

/** A datetime value: calendar fields plus a named time zone (null = naive). */
export interface DateTimeData {
  y: number; mo: number; d: number; h: number; mi: number; s: number; us: number;
  tz: string | null;
}

const UNIT_MICROS: Record<string, bigint> = {
  days: 86_400_000_000n, seconds: 1_000_000n, microseconds: 1n, milliseconds: 1_000n,
  minutes: 60_000_000n, hours: 3_600_000_000n, weeks: 604_800_000_000n,
};
const MAX_TIMEDELTA = 999_999_999n * 86_400_000_000n;
const TIMEDELTA_PARAMS = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];

function timedeltaFrom(args: CallArgs, node: Syntax, allowPositional: boolean): Value {
  if (!allowPositional && args.positional.length > 0) refuse(node, 'pendulum.duration with positional arguments');
  const bound = bindArguments(TIMEDELTA_PARAMS.map((n) => ({ name: n, kind: 'pos' as const, hasDefault: true })), args, 'timedelta', node);
  let micros = 0n;
  for (const b of bound) {
    if (b.kind !== 'value') continue;
    const unit = UNIT_MICROS[b.name] as bigint;
    const v = b.value;
    checkPoison(v);
    if (v.kind === 'int') micros += v.v * unit;
    else if (v.kind === 'float') {
      const scaled = v.v * Number(unit);
      // Python rounds float parts to the microsecond; only exact products are certain here.
      if (!Number.isSafeInteger(scaled)) refuse(node, `timedelta(${b.name}=${v.v}) (not a whole number of microseconds)`);
      micros += BigInt(scaled);
    } else if (v.kind === 'opaque') refuseUnknown(v, node, `timedelta ${b.name}`);
    else raisePy(node, 'TypeError', `unsupported type for timedelta ${b.name} component: ${describe(v)}`);
  }
  if (micros > MAX_TIMEDELTA || micros < -MAX_TIMEDELTA) raisePy(node, 'OverflowError', 'timedelta out of range');
  return native('timedelta', micros);
}

const DATE_PARAMS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];

function daysInMonth(y: number, m: number): number {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

function dateFields(args: CallArgs, extra: string[], node: Syntax, fn: string): { fields: DateTimeData; rest: Map<string, Value> } {
  const params = [...DATE_PARAMS, ...extra].map((n, i): BindParam => ({ name: n, kind: i < 7 ? 'pos' : 'kwonly', hasDefault: i >= 3 }));
  const bound = bindArguments(params, args, fn, node);
  const num = (n: string, dflt: number): number => {
    const b = bound.find((x) => x.name === n);
    return b && b.kind === 'value' ? expectInt(b.value, node, n) : dflt;
  };
  const fields: DateTimeData = { y: num('year', 0), mo: num('month', 0), d: num('day', 0), h: num('hour', 0), mi: num('minute', 0), s: num('second', 0), us: num('microsecond', 0), tz: null };
  if (fields.y < 1 || fields.y > 9999) raisePy(node, 'ValueError', `year ${fields.y} is out of range`);
  if (fields.mo < 1 || fields.mo > 12) raisePy(node, 'ValueError', 'month must be in 1..12');
  if (fields.d < 1 || fields.d > daysInMonth(fields.y, fields.mo)) raisePy(node, 'ValueError', 'day is out of range for month');
  if (fields.h < 0 || fields.h > 23) raisePy(node, 'ValueError', 'hour must be in 0..23');
  if (fields.mi < 0 || fields.mi > 59) raisePy(node, 'ValueError', 'minute must be in 0..59');
  if (fields.s < 0 || fields.s > 59) raisePy(node, 'ValueError', 'second must be in 0..59');
  if (fields.us < 0 || fields.us > 999_999) raisePy(node, 'ValueError', 'microsecond must be in 0..999999');
  const rest = new Map<string, Value>();
  for (const b of bound) if (b.kind === 'value' && extra.includes(b.name)) rest.set(b.name, b.value);
  return { fields, rest };
}

let zones: Set<string> | undefined;

/** Time zone names pendulum certainly knows under exactly this name (canonical IANA names). */
function knownZone(name: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return zones.has(name);
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetMinutes(tz: string, utcMillis: number): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  // format() ("M/D/YYYY, HH:MM:SS" in en-US) and a pattern cost a third of formatToParts(), the fallback.
  const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(f.format(new Date(utcMillis)));
  const parts = m
    ? { month: m[1], day: m[2], year: m[3], hour: m[4], minute: m[5], second: m[6] }
    : Object.fromEntries(f.formatToParts(new Date(utcMillis)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((local - Math.floor(utcMillis / 1000) * 1000) / 60000);
}

/** True when the wall time exists in the zone (not skipped by a DST change). */
function wallTimeExists(f: DateTimeData, tz: string): boolean {
  if (tz === 'UTC') return true;
  const wall = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
  // The offset at the wall time read as UTC is nearly always the right one: try it first.
  const near = offsetMinutes(tz, wall);
  if (offsetMinutes(tz, wall - near * 60000) === near) return true;
  const candidates = new Set([offsetMinutes(tz, wall - 86_400_000), offsetMinutes(tz, wall + 86_400_000)]);
  candidates.delete(near);
  for (const o of candidates) if (offsetMinutes(tz, wall - o * 60000) === o) return true;
  return false;
}

function zoneName(v: Value, node: Syntax): string {
  if (v.kind === 'native' && v.type === 'tz') return v.data as string;
  const name = expectStr(v, node, 'the time zone');
  if (!knownZone(name)) refuse(node, `the time zone "${name}" (only canonical IANA names are certain)`);
  return name;
}

/** `pendulum.datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tz="UTC")`. */
const pendulumDatetime: BuiltinV = {
  kind: 'builtin', name: 'pendulum.datetime',
  call: (_i, args, node) => {
    const { fields, rest } = dateFields(args, ['tz', 'dst_rule'], node, 'datetime');
    if (rest.has('dst_rule')) refuse(node, 'pendulum.datetime(dst_rule=...)');
    const tz = rest.get('tz');
    fields.tz = tz === undefined ? 'UTC' : tz.kind === 'none' ? null : zoneName(tz, node);
    if (fields.tz !== null && !wallTimeExists(fields, fields.tz)) refuse(node, `a wall time skipped by a DST change in ${fields.tz} (pendulum would move it)`);
    return native('datetime', fields);
  },
};

/** `datetime.datetime(year, month, day, ...)`: naive only. */
const datetimeClass: BuiltinV = {
  kind: 'builtin', name: 'datetime.datetime',
  call: (_i, args, node) => {
    const { fields, rest } = dateFields(args, ['tzinfo', 'fold'], node, 'datetime');
    const tzinfo = rest.get('tzinfo');
    if (tzinfo && tzinfo.kind !== 'none') refuse(node, 'a datetime with tzinfo (use pendulum.datetime(..., tz="Area/City"))');
    return native('datetime', fields);
  },
  attrs: new Map<string, Value>([
    ['now', { kind: 'builtin', name: 'datetime.now', call: () => plainOpaque('the current time') }],
    ['utcnow', { kind: 'builtin', name: 'datetime.utcnow', call: () => plainOpaque('the current time') }],
    ['today', { kind: 'builtin', name: 'datetime.today', call: () => plainOpaque('the current time') }],
  ]),
};

const timedeltaClass: BuiltinV = { kind: 'builtin', name: 'timedelta', call: (_i, a, n) => timedeltaFrom(a, n, true) };

/** The modelled attributes of `datetime` and `pendulum`. */
export function timeModules(): Map<string, Map<string, Value>> {
  return new Map([
    ['datetime', new Map<string, Value>([['timedelta', timedeltaClass], ['datetime', datetimeClass]])],
    ['pendulum', new Map<string, Value>([
      ['datetime', pendulumDatetime],
      ['duration', { kind: 'builtin', name: 'pendulum.duration', call: (_i, a, n) => timedeltaFrom(a, n, false) }],
      ['timezone', { kind: 'builtin', name: 'pendulum.timezone', call: (_i, a, n) => native('tz', zoneName(a.positional[0] ?? { kind: 'none' }, n)) }],
      ['now', { kind: 'builtin', name: 'pendulum.now', call: () => plainOpaque('the current time') }],
      ['today', { kind: 'builtin', name: 'pendulum.today', call: () => plainOpaque('the current time') }],
    ])],
  ]);
}

/** Attributes of timedelta values. */
export function timedeltaAttribute(micros: bigint, name: string, node: Syntax): Value {
  if (name === 'total_seconds') {
    return { kind: 'builtin', name: 'timedelta.total_seconds', call: () => ({ kind: 'float', v: Number(micros) / 1e6 }) };
  }
  return refuse(node, `timedelta.${name}`);
}


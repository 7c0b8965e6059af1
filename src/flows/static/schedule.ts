/**
 * Schedules and clocks (reference §1.6): `Schedule(clocks=[...])` with IntervalClock and
 * CronClock. Filters and adjustments are refused. Datetimes are written as {"dt", "tz"} with
 * naive datetimes taken as UTC (pendulum.instance). The one-minute interval floor is checked
 * when the flow is serialized, as marshmallow does on dump.
 */
import type { PyValue } from '../../prefect/py-value.js';
import { checkPoison, describe, expectBool, expectStr, refuseUnknown, timedeltaMicros, toJson } from './convert.js';
import { raisePy, refuse } from './refusal.js';
import type { Syntax } from './syntax.js';
import { native, type BuiltinV, type Value } from './values.js';
import { bindArguments } from './evaluator/binding.js';
import type { CallArgs, Interp } from './evaluator/interp-types.js';
import type { DateTimeData } from './stdlib/time.js';
import { isValidCron } from './cron.js';

/** A clock: its JSON without `__version__`/`type`, and the interval to check on dump. */
export interface ClockData {
  type: 'IntervalClock' | 'CronClock';
  fields: [string, PyValue][];
  intervalMicros?: bigint;
  node: Syntax;
}

export interface ScheduleData {
  clocks: ClockData[];
}

function params(names: string[], required: number): { name: string; kind: 'pos'; hasDefault: boolean }[] {
  return names.map((n, i) => ({ name: n, kind: 'pos', hasDefault: i >= required }));
}

/** `pendulum.instance(dt)` then DateTimeTZ: `{"dt": naive ISO, "tz": name}`. */
function dateTimeTz(v: Value | undefined, node: Syntax, what: string): PyValue {
  if (v === undefined || v.kind === 'none') return null;
  checkPoison(v);
  if (v.kind !== 'native' || v.type !== 'datetime') {
    if (v.kind === 'opaque') refuseUnknown(v, node, what);
    return raisePy(node, 'TypeError', `${what} must be a datetime, got ${describe(v)}`);
  }
  const d = v.data as DateTimeData;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  let iso = `${String(d.y).padStart(4, '0')}-${p2(d.mo)}-${p2(d.d)}T${p2(d.h)}:${p2(d.mi)}:${p2(d.s)}`;
  if (d.us) iso += `.${String(d.us).padStart(6, '0')}`;
  return { dt: iso, tz: d.tz ?? 'UTC' };
}

function clockCommon(get: (n: string) => Value | undefined, node: Syntax, interp: Interp): [string, PyValue][] {
  const defaults = get('parameter_defaults');
  const labels = get('labels');
  return [
    ['parameter_defaults', defaults === undefined || defaults.kind === 'none' || !interp.truthy(defaults, node) ? {} : toJson(defaults, node, 'parameter_defaults')],
    ['labels', labels === undefined || labels.kind === 'none' ? null : interp.iterate(labels, node).map((l) => expectStr(l, node, 'each clock label'))],
  ];
}

function getter(interp: Interp, names: string[], required: number, args: CallArgs, fn: string, node: Syntax): (n: string) => Value | undefined {
  const bound = bindArguments(params(names, required), args, fn, node);
  return (n) => {
    const b = bound.find((x) => x.name === n);
    return b && b.kind === 'value' ? b.value : undefined;
  };
}

export const intervalClock: BuiltinV = {
  kind: 'builtin', name: 'IntervalClock',
  call: (interp, args, node) => {
    const get = getter(interp, ['interval', 'start_date', 'end_date', 'parameter_defaults', 'labels'], 1, args, 'IntervalClock', node);
    const intervalV = get('interval') as Value;
    const micros = timedeltaMicros(intervalV);
    if (micros === undefined) {
      if (intervalV.kind === 'opaque') refuseUnknown(intervalV, node, 'the interval');
      return raisePy(node, 'TypeError', 'Interval must be a timedelta.');
    }
    if (micros <= 0n) raisePy(node, 'ValueError', 'Interval must be greater than 0.');
    const common = clockCommon(get, node, interp);
    const fields: [string, PyValue][] = [
      ['start_date', dateTimeTz(get('start_date'), node, 'start_date')],
      ['end_date', dateTimeTz(get('end_date'), node, 'end_date')],
      ['interval', micros <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(micros) : micros],
      ...common,
    ];
    return native('clock', { type: 'IntervalClock', fields, intervalMicros: micros, node } satisfies ClockData);
  },
};

export const cronClock: BuiltinV = {
  kind: 'builtin', name: 'CronClock',
  call: (interp, args, node) => {
    const get = getter(interp, ['cron', 'start_date', 'end_date', 'parameter_defaults', 'labels', 'day_or'], 1, args, 'CronClock', node);
    const cron = expectStr(get('cron') as Value, node, 'the cron string');
    const validity = isValidCron(cron);
    if (validity === 'invalid') raisePy(node, 'ValueError', `Invalid cron string: ${cron}`);
    if (validity === 'unknown') refuse(node, `the cron string "${cron}" (croniter's extensions are not modelled)`);
    const dayOrV = get('day_or');
    const dayOr = dayOrV === undefined || dayOrV.kind === 'none' ? true : expectBool(dayOrV, node, 'day_or');
    const common = clockCommon(get, node, interp);
    const fields: [string, PyValue][] = [
      ['start_date', dateTimeTz(get('start_date'), node, 'start_date')],
      ['end_date', dateTimeTz(get('end_date'), node, 'end_date')],
      ['cron', cron],
      ...common,
      ['day_or', dayOr],
    ];
    return native('clock', { type: 'CronClock', fields, node } satisfies ClockData);
  },
};

export const scheduleClass: BuiltinV = {
  kind: 'builtin', name: 'Schedule',
  call: (interp, args, node) => {
    const get = getter(interp, ['clocks', 'filters', 'or_filters', 'not_filters', 'adjustments'], 1, args, 'Schedule', node);
    for (const n of ['filters', 'or_filters', 'not_filters', 'adjustments']) {
      const v = get(n);
      if (v && v.kind !== 'none' && interp.iterate(v, node).length > 0) refuse(node, `Schedule(${n}=...) (filters and adjustments are not modelled)`);
    }
    const clocks: ClockData[] = [];
    for (const c of interp.iterate(get('clocks') as Value, node)) {
      checkPoison(c);
      if (c.kind !== 'native' || c.type !== 'clock') return c.kind === 'opaque' ? refuseUnknown(c, node, 'a clock') : refuse(node, `a clock that is ${describe(c)}`);
      clocks.push(c.data as ClockData);
    }
    return native('schedule', { clocks } satisfies ScheduleData);
  },
};

/** The serialized schedule; raises (per flow) for intervals under a minute, as dump does. */
export function serializeSchedule(data: ScheduleData, version: string): PyValue {
  const clocks = data.clocks.map((c) => {
    if (c.intervalMicros !== undefined && c.intervalMicros < 60_000_000n) {
      raisePy(c.node, 'ValueError', 'Interval can not be less than one minute when deploying to Prefect Cloud.');
    }
    const out: { [k: string]: PyValue } = {};
    for (const [k, v] of c.fields) out[k] = v;
    out.__version__ = version;
    out.type = c.type;
    return out;
  });
  return { clocks, filters: [], or_filters: [], not_filters: [], adjustments: [], __version__: version };
}

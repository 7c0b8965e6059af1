/**
 * A conservative check of cron strings against what croniter accepts: plain five-field
 * expressions (numbers, `*`, ranges, steps, lists, month and weekday names) are valid; anything
 * else is "unknown" and refused, never declared invalid on a guess.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const RANGES: [number, number, string[] | undefined][] = [
  [0, 59, undefined],
  [0, 23, undefined],
  [1, 31, undefined],
  [1, 12, MONTHS],
  [0, 7, DAYS],
];

function value(token: string, [lo, hi, names]: [number, number, string[] | undefined]): number | undefined {
  if (/^\d{1,2}$/.test(token)) {
    const n = Number(token);
    return n >= lo && n <= hi ? n : undefined;
  }
  if (names) {
    const i = names.indexOf(token.toLowerCase());
    if (i >= 0) return names === MONTHS ? i + 1 : i;
  }
  return undefined;
}

function validField(field: string, range: [number, number, string[] | undefined]): boolean {
  for (const part of field.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(part);
    if (!m) return false;
    const [, base = '', step] = m;
    if (step !== undefined && Number(step) < 1) return false;
    if (base === '*') continue;
    const [a, b] = base.split('-');
    const lo = value(a ?? '', range);
    if (lo === undefined) return false;
    if (b !== undefined) {
      const hi = value(b, range);
      if (hi === undefined || hi < lo) return false;
    } else if (step !== undefined) return false;
  }
  return true;
}

/** `valid` when croniter certainly accepts the string; `unknown` otherwise (never guessed invalid). */
export function isValidCron(cron: string): 'valid' | 'invalid' | 'unknown' {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return 'unknown';
  return fields.every((f, i) => validField(f, RANGES[i] as [number, number, string[] | undefined])) ? 'valid' : 'unknown';
}

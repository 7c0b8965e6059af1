/**
 * Property test of slug generation through the static loader: flows built from random task
 * calls (names, tags, reuse of the same task, chains) get exactly the slugs Prefect 1.4.1's rule
 * gives (reference §2.1): `name-<sorted tags>-N`, N counted per prefix in add order, where a
 * call adds the called copy first and then its upstream arguments. The oracle below is written
 * from that rule, independently of the loader.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../src/prefect/pyjson.js';
import { loadSource, slugs } from '../static/load-helpers.js';

interface TaskDef {
  fn: string;
  name: string;
  tags: string[];
}
/** A call of task `def` with an upstream argument: a previous call's result, or a constant. */
interface Call {
  def: number;
  arg: number | null;
}

const NAMES = ['load', 'load-x', 'Load', 'x', 'x-1', 'étape', 'a b'];
const TAGS = ['x', '1', 'io', 'b', 'B', 'é'];

function source(defs: TaskDef[], calls: Call[]): string {
  const lines = ['from prefect import Flow, task', ''];
  defs.forEach((def) => {
    lines.push(`@task(name=${JSON.stringify(def.name)}, tags=${JSON.stringify(def.tags)})`, `def ${def.fn}(value):`, '    return value', '');
  });
  lines.push('with Flow("prop") as flow:');
  calls.forEach((call, i) => {
    const fn = defs[call.def % defs.length]!.fn;
    const arg = call.arg === null || call.arg >= i ? '0' : `r${call.arg}`;
    lines.push(`    r${i} = ${fn}(${arg})`);
  });
  return lines.join('\n') + '\n';
}

/** Prefect's rule, from the reference: one counter per prefix, in the order tasks are added. */
function oracle(defs: TaskDef[], calls: Call[]): string[] {
  const counters = new Map<string, number>();
  const out: string[] = [];
  for (const call of calls) {
    const def = defs[call.def % defs.length]!;
    const prefix = [def.name, ...[...new Set(def.tags)].sort(compareCodePoints)].join('-');
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    out.push(`${prefix}-${n}`);
  }
  return out.sort(compareCodePoints);
}

const defsArb = fc
  .array(fc.record({ name: fc.constantFrom(...NAMES), tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }) }), { minLength: 1, maxLength: 4 })
  .map((defs) => defs.map((def, i) => ({ ...def, fn: `t${i}` })));
const callsArb = fc.array(fc.record({ def: fc.nat(10), arg: fc.option(fc.nat(12), { nil: null }) }), { minLength: 1, maxLength: 12 });

describe('slug generation (property)', () => {
  it('matches the reference rule for random task calls, or refuses a collision; never a wrong slug', async () => {
    await fc.assert(
      fc.asyncProperty(defsArb, callsArb, async (defs, calls) => {
        const result = await loadSource(source(defs, calls));
        const expected = oracle(defs, calls);
        if (result.flows.length === 1) {
          expect(slugs(result, 'prop')).toEqual(expected);
        } else {
          // The only acceptable outcome other than the right slugs: an explicit refusal, e.g. a
          // generated slug colliding with another prefix's (`x-1` as a name), never a crash.
          expect(result.errors.length).toBeGreaterThan(0);
          expect(new Set(expected).size).toBeLessThan(expected.length);
        }
      }),
      { numRuns: 150 },
    );
  });
});

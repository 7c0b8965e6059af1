import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PyFloat, type PyValue } from '../../src/prefect/py-value.js';
import { compareCodePoints, parsePyJson, pyjsonDumps } from '../../src/prefect/pyjson.js';

// Keys and strings over all UTF-16 units, lone surrogates included. Integer-like keys are left
// out where order matters: plain JS objects cannot keep their insertion order (documented).
const anyString = fc.string({ unit: 'binary' });
const key = fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => !/^(0|[1-9]\d*)$/.test(k));

const safeInt = fc.oneof(fc.integer(), fc.maxSafeInteger());
// Python ints beyond 2**53 are bigints on our side (parsePyJson gives them back as bigints).
const bigInt = fc
  .bigInt()
  .filter((n) => n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER));
const float = fc.double().map((d) => new PyFloat(d));

/** JSON-able values; floats and bigints only for the checks that can hold them. */
function values(full: boolean): fc.Arbitrary<PyValue> {
  const scalars: fc.Arbitrary<PyValue>[] = [fc.constant(null), fc.boolean(), safeInt, anyString];
  const leaf = fc.oneof(...(full ? [...scalars, bigInt, float] : scalars));
  return fc.letrec<{ value: PyValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  })).value;
}

const dumpOptions = fc.record({
  sortKeys: fc.boolean(),
  indent: fc.option(fc.nat(4), { nil: undefined }),
});

describe('pyjson properties', () => {
  it('parsePyJson(pyjsonDumps(x)) round-trips, floats and big ints included', () => {
    fc.assert(
      fc.property(values(true), dumpOptions, (value, options) => {
        const text = pyjsonDumps(value, options);
        const parsed = parsePyJson(text);
        expect(parsed).toEqual(value);
        // toEqual ignores key order; dumping again must give the same text, key order included.
        expect(pyjsonDumps(parsed, options)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('writes pure printable ASCII (plus newlines with an indent)', () => {
    fc.assert(
      fc.property(values(true), dumpOptions, (value, options) => {
        expect(pyjsonDumps(value, options)).toMatch(/^[\x20-\x7e\n]*$/);
      }),
      { numRuns: 500 },
    );
  });

  it('is valid JSON that JSON.parse reads back as the same value, when there are no floats', () => {
    fc.assert(
      fc.property(values(false), dumpOptions, (value, options) => {
        expect(JSON.parse(pyjsonDumps(value, options))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('sorted output does not depend on insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer(), { maxKeys: 8 }), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(pyjsonDumps(reversed, { sortKeys: true })).toBe(pyjsonDumps(dict, { sortKeys: true }));
      }),
    );
  });

  it('compareCodePoints orders strings as sequences of code points, like Python str', () => {
    // Array.from splits a string into code points, keeping lone surrogates as their own.
    const reference = (a: string, b: string): number => {
      const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
      const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      }
      return x.length - y.length;
    };
    const unit = fc.constantFrom('a', '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\uffff', '\ud83d', '\ude00');
    const str = fc.array(unit, { maxLength: 6 }).map((units) => units.join(''));
    fc.assert(
      fc.property(str, str, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(reference(a, b)));
      }),
      { numRuns: 2000 },
    );
  });
});

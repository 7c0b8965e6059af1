/**
 * Values the loader once read differently from Python: string literals around escape sequences
 * and format specs (tree-sitter keeps the plain text in hidden tokens), backslash line
 * continuations inside expressions, and iterator builtins that fail when called in Python.
 * Expected values are what CPython 3.11 gives for the same literals.
 */
import { describe, expect, it } from 'vitest';
import { loadSource } from './load-helpers.js';

const HEAD = 'from prefect import Flow\n';

async function flowName(expr: string, prelude = ''): Promise<string | undefined> {
  const result = await loadSource(`${HEAD}${prelude}with Flow(${expr}) as flow:\n    pass\n`);
  expect(result.errors).toEqual([]);
  return result.flows[0]?.name;
}

describe('string literals read whole', () => {
  it('text around escape sequences is kept', async () => {
    expect(await flowName(String.raw`"ab\tcd-\x41-\u00e9z"`)).toBe('ab\tcd-A-éz');
    expect(await flowName(String.raw`"\tcd"`)).toBe('\tcd');
    expect(await flowName(String.raw`'x\'y'`)).toBe("x'y");
    // An unknown escape stays as written, text after it included.
    expect(await flowName(String.raw`"a\db"`)).toBe('a\\db');
    expect(await flowName(String.raw`r"a\d" + "\\d"`)).toBe('a\\d\\d');
    expect(await flowName(String.raw`"""one\
two"""`)).toBe('onetwo');
  });

  it('the literal part of a format spec is kept', async () => {
    expect(await flowName('f"n{3:>5}|"')).toBe('n    3|');
    expect(await flowName('f"n{3:0{w}d}|{7:<3}|"', 'w = 4\n')).toBe('n0003|7  |');
  });
});

describe('backslash continuations inside expressions', () => {
  it('are whitespace, as in Python', async () => {
    expect(await flowName('"a", \\\n          schedule=None')).toBe('a');
    expect(await flowName('f"b{x}"', 'x = [1, \\\n     2]\n')).toBe('b[1, 2]');
    expect(await flowName('f("d", "e")', 'def f(a, \\\n      b):\n    return a + b\n')).toBe('de');
  });
});

describe('iterators fail when made, as in Python', () => {
  it('iter(), zip(), map(), enumerate() and generator expressions check their argument at once', async () => {
    for (const [src, column] of [['it = iter(5)', 6], ['z = zip([1], 5)', 5], ['m = map(str, 5)', 5], ['e = enumerate(None)', 5], ['g = (x for x in 5)', 8]] as const) {
      const result = await loadSource(`${HEAD}${src}\nwith Flow("x") as flow:\n    pass\n`);
      expect(result.flows, src).toEqual([]);
      expect(result.errors, src).toMatchObject([{ code: 'E_FLOW_LOAD', line: 2, column }]);
      expect(result.errors[0]?.message, src).toContain('TypeError');
    }
  });

  it('iter(callable, sentinel) is refused, not reported as a TypeError', async () => {
    const result = await loadSource(`${HEAD}it = iter(int, 1)\nwith Flow("x") as flow:\n    pass\n`);
    expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line: 2, column: 6, construct: 'iter(int, 1)' }]);
  });

  it('lazy iteration still stops where Python stops', async () => {
    expect(await flowName('f"{next(g)}-{any(x > 1 for x in [1, 2, 3])}"', 'g = (x for x in [7, 8])\n')).toBe('7-True');
  });
});

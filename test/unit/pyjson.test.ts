import { describe, expect, it } from 'vitest';
import { PyFloat, pyFloat, type PyJsonValue } from '../../src/prefect/py-value.js';
import { compareCodePoints, parsePyJson, pyFloatRepr, pyjsonDumps } from '../../src/prefect/pyjson.js';

// Expected texts below were produced by CPython 3 `json.dumps` / `repr`.

describe('pyjsonDumps strings (ensure_ascii=True)', () => {
  const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
  it.each([
    ['plain', 'hello world', '"hello world"'],
    ['empty', '', '""'],
    ['double quote', 'a"b', '"a\\"b"'],
    ['backslash', 'a\\b', '"a\\\\b"'],
    [
      'every control char',
      controls,
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    ],
    ['DEL', '\x7f', '"\\u007f"'],
    ['slash is not escaped', 'a/b', '"a/b"'],
    ['non-ASCII, lowercase hex', 'café \u00a0\u2028\uffff', '"caf\\u00e9 \\u00a0\\u2028\\uffff"'],
    ['emoji as surrogate pair', '😀', '"\\ud83d\\ude00"'],
    ['lone surrogates', '\ud800x\udfff', '"\\ud800x\\udfff"'],
    ['mixed runs', 'ab"cd\ne', '"ab\\"cd\\ne"'],
  ])('%s', (_name, input, expected) => {
    expect(pyjsonDumps(input)).toBe(expected);
  });
});

describe('pyjsonDumps floats (Python repr)', () => {
  it.each([
    [1.0, '1.0'],
    [0.1, '0.1'],
    [0.25, '0.25'],
    [1e-7, '1e-07'],
    [1e-5, '1e-05'],
    [2.5e-5, '2.5e-05'],
    [1.234e-5, '1.234e-05'],
    [0.0001, '0.0001'],
    [1e16, '1e+16'],
    [1e16 - 2, '9999999999999998.0'],
    [123456789.0, '123456789.0'],
    [123456789012345.0, '123456789012345.0'],
    [1000000000000000.5, '1000000000000000.5'],
    [1234567890123456.8, '1234567890123456.8'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [1e22, '1e+22'],
    [1.5e300, '1.5e+300'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [-2.5, '-2.5'],
    [-1e-7, '-1e-07'],
    [-0, '-0.0'],
    [0, '0.0'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%s', (input, expected) => {
    expect(pyjsonDumps(pyFloat(input))).toBe(expected);
    expect(pyFloatRepr(input)).toBe(expected);
  });

  it('treats non-integer JS numbers as floats and integral ones as ints', () => {
    expect(pyjsonDumps(0.5)).toBe('0.5');
    expect(pyjsonDumps(NaN)).toBe('NaN');
    expect(pyjsonDumps(10)).toBe('10');
    expect(pyjsonDumps(-0)).toBe('0');
  });
});

describe('pyjsonDumps ints', () => {
  it.each<[number | bigint, string]>([
    [0, '0'],
    [-5, '-5'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [1e21, '1000000000000000000000'],
    [2n ** 53n + 1n, '9007199254740993'],
    [10n ** 30n, '1000000000000000000000000000000'],
    [-(10n ** 30n), '-1000000000000000000000000000000'],
  ])('%s', (input, expected) => {
    expect(pyjsonDumps(input)).toBe(expected);
  });
});

describe('pyjsonDumps containers', () => {
  it('uses Python default separators and literals', () => {
    const value: PyJsonValue = { b: 1, a: [pyFloat(1), true, false, null], c: {} };
    expect(pyjsonDumps(value)).toBe('{"b": 1, "a": [1.0, true, false, null], "c": {}}');
    expect(pyjsonDumps(value, { sortKeys: true })).toBe('{"a": [1.0, true, false, null], "b": 1, "c": {}}');
  });

  it('sorts nested keys by code point, not UTF-16 unit', () => {
    const value = { '😀': 1, '\ue000': 2, '\uffff': 3, a: 4, '\ud7ff': 5, n: { z: 1, y: [{ b: 1, a: 2 }] } };
    expect(pyjsonDumps(value, { sortKeys: true })).toBe(
      '{"a": 4, "n": {"y": [{"a": 2, "b": 1}], "z": 1}, "\\ud7ff": 5, "\\ue000": 2, "\\uffff": 3, "\\ud83d\\ude00": 1}',
    );
  });

  it('orders lone surrogates by their own code point', () => {
    // Python: '\ud800' < '\ue000' < '\U0001f600'; and 'x\ud83d\ude00' > 'x\ud83dA' ('\U0001f600' > '\ud83d').
    expect(compareCodePoints('\ud800', '\ue000')).toBeLessThan(0);
    expect(compareCodePoints('\ue000', '\ud83d\ude00')).toBeLessThan(0);
    expect(compareCodePoints('x\ud83d\ude00', 'x\ud83dA')).toBeGreaterThan(0);
    expect(compareCodePoints('\ud83d\ude00', '\ud83d\ude01')).toBeLessThan(0);
    // Same lone high surrogate first, then U+E000 vs another lone high surrogate.
    expect(compareCodePoints('\udbff\ue000a', '\udbff\ud83d')).toBeGreaterThan(0);
    expect(compareCodePoints('\udbff\ud83d\ude00', '\udbff\ue000')).toBeGreaterThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('same', 'same')).toBe(0);
  });

  it('renders indent=2 exactly as Python, empty containers inline', () => {
    const value = { b: {}, a: [], c: [1, {}, { x: [] }], d: { k: 1 } };
    expect(pyjsonDumps(value, { sortKeys: true, indent: 2 })).toBe(
      [
        '{',
        '  "a": [],',
        '  "b": {},',
        '  "c": [',
        '    1,',
        '    {},',
        '    {',
        '      "x": []',
        '    }',
        '  ],',
        '  "d": {',
        '    "k": 1',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('renders indent=0 with line breaks and no indentation', () => {
    expect(pyjsonDumps({ b: {}, a: [1] }, { indent: 0 })).toBe('{\n"b": {},\n"a": [\n1\n]\n}');
  });

  it('keeps Map insertion order for integer-like keys, which plain objects cannot', () => {
    const ordered = new Map<string, PyJsonValue>([
      ['b', 1],
      ['2', 2],
      ['a', [pyFloat(1), true, null]],
    ]);
    expect(pyjsonDumps(ordered)).toBe('{"b": 1, "2": 2, "a": [1.0, true, null]}');
    expect(pyjsonDumps({ b: 1, '2': 2 })).toBe('{"2": 2, "b": 1}');
    expect(pyjsonDumps(ordered, { sortKeys: true })).toBe('{"2": 2, "a": [1.0, true, null], "b": 1}');
  });

  it('rejects values JSON cannot hold', () => {
    expect(() => pyjsonDumps(undefined as unknown as PyJsonValue)).toThrow(TypeError);
    expect(() => pyjsonDumps(new Date() as unknown as PyJsonValue)).toThrow(/Date is not JSON serializable/);
    expect(() => pyjsonDumps(1, { indent: -1 })).toThrow(TypeError);
  });
});

describe('parsePyJson', () => {
  it('keeps the int/float distinction', () => {
    expect(parsePyJson('[1, 1.0, 1e3, -0, 2.5E-3, 9007199254740993, -9007199254740993]')).toEqual([
      1,
      new PyFloat(1),
      new PyFloat(1000),
      0,
      new PyFloat(0.0025),
      2n ** 53n + 1n,
      -(2n ** 53n + 1n),
    ]);
  });

  it("accepts Python's NaN and infinities", () => {
    expect(parsePyJson('[NaN, Infinity, -Infinity]')).toEqual([
      new PyFloat(NaN),
      new PyFloat(Infinity),
      new PyFloat(-Infinity),
    ]);
  });

  it('decodes escapes, surrogate pairs and lone surrogates', () => {
    expect(parsePyJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\ud800"')).toBe('"\\/\b\f\n\r\t\u00e9😀\ud800');
  });

  it('parses nested containers in key order, keeping __proto__ as a plain key', () => {
    const value = parsePyJson(' { "b" : [ ] , "a" : { "__proto__" : 1 } , "c" : true , "d" : null } ');
    expect(Object.keys(value as object)).toEqual(['b', 'a', 'c', 'd']);
    expect(pyjsonDumps(value)).toBe('{"b": [], "a": {"__proto__": 1}, "c": true, "d": null}');
  });

  it('keeps the first position and the last value of a repeated key, as Python does', () => {
    expect(pyjsonDumps(parsePyJson('{"a": 1, "b": 2, "a": 3}'))).toBe('{"a": 3, "b": 2}');
  });

  it('returns Maps for objects with integer-like keys when asked', () => {
    const text = '{"b": 1, "2": {"x": 1}, "a": {"10": 1, "9": 2}}';
    expect(pyjsonDumps(parsePyJson(text, { orderedObjects: true }))).toBe(text);
    expect(pyjsonDumps(parsePyJson(text))).toBe('{"2": {"x": 1}, "b": 1, "a": {"9": 2, "10": 1}}');
  });

  it.each([
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['{a: 1}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['"a\tb"', 'Invalid control character at: line 1 column 3 (char 2)'],
    ['"\\x"', 'Invalid \\escape: line 1 column 2 (char 1)'],
    ['"\\u12g4"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['{}\n x', 'Extra data: line 2 column 2 (char 4)'],
    ['01', 'Extra data: line 1 column 2 (char 1)'],
    ['-', 'Expecting value: line 1 column 1 (char 0)'],
    ['nul', 'Expecting value: line 1 column 1 (char 0)'],
  ])('rejects %j with a position', (text, message) => {
    expect(() => parsePyJson(text)).toThrow(message);
  });
});

/**
 * What tree-sitter accepts but CPython rejects when it compiles a file: Python compiles the whole
 * file before running any of it, so no flow of such a file is registered, and the static loader
 * must report E_PARSE (or refuse) instead of reading flows. Positions are where the loader
 * points; messages are CPython 3.11's.
 */
import { describe, expect, it } from 'vitest';
import { loadSource } from './load-helpers.js';

const HEAD = 'from prefect import Flow, task\n\n@task\ndef t():\n    pass\n\nwith Flow("before") as before:\n    t()\n';
/** The construct under test starts on line 9. */
const AFTER = '\nwith Flow("after") as after:\n    t()\n';

type Row = [construct: string, line: number, column: number, message: string];

async function expectError(code: string, [src, line, column, message]: Row, after = AFTER): Promise<void> {
  const result = await loadSource(HEAD + src + after);
  expect(result.flows.map((f) => f.name), src).toEqual([]);
  expect(result.errors, src).toMatchObject([{ code, file: 'flows/flow.py', line, column }]);
  expect(result.errors[0]?.message, src).toContain(`flows/flow.py:${line}:${column}: ${message}`);
}

describe('blocks and layout (what CPython\'s tokenizer rejects)', () => {
  const rows: Row[] = [
    ['with Flow("x") as flow:\n', 9, 1, "IndentationError: expected an indented block after 'with' statement on line 9"],
    ['with Flow("x") as flow:\n    # nothing yet\n\n', 9, 1, "IndentationError: expected an indented block after 'with' statement on line 9"],
    ['@task\ndef u():\n', 10, 1, 'IndentationError: expected an indented block after function definition on line 10'],
    ['class A:\n', 9, 1, 'IndentationError: expected an indented block after class definition on line 9'],
    ['for i in range(3):\n    pass\nelse:\n', 11, 1, "IndentationError: expected an indented block after 'else' statement on line 11"],
    ['x = 1 \\\n', 9, 7, 'SyntaxError: unexpected EOF while parsing'],
  ];
  for (const row of rows) {
    it(`at the end of the file: ${JSON.stringify(row[0])}`, async () => {
      await expectError('E_PARSE', row, '');
    });
  }

  const inner: Row[] = [
    ['@task\ndef u():\nwith Flow("x") as flow:\n    t()\n', 11, 1, 'IndentationError: expected an indented block after function definition on line 10'],
    ['if True:\n# only a comment\nx = 1\n', 11, 1, "IndentationError: expected an indented block after 'if' statement on line 9"],
    ['try:\n    import os\n', 9, 1, "SyntaxError: expected 'except' or 'finally' block"],
    ['try:\n    pass\nelse:\n    pass\n', 9, 1, "SyntaxError: expected 'except' or 'finally' block"],
    ['x = 1\n    y = 2\n', 10, 5, 'IndentationError: unexpected indent'],
    ['  x = 1\n', 9, 3, 'IndentationError: unindent does not match any outer indentation level'],
    ['def f():\n    x = 1\n  y = 2\n', 11, 3, 'IndentationError: unindent does not match any outer indentation level'],
    ['if True:\n    pass\n  else:\n    pass\n', 11, 3, 'IndentationError: unindent does not match any outer indentation level'],
    ['if True:\n\tx = 1\n        y = 2\n', 11, 9, 'TabError: inconsistent use of tabs and spaces in indentation'],
    // tree-sitter reads these as one statement; Python's tokenizer ends the line after `=` / `as`.
    ['a = b =\nFlow("x")\n', 10, 1, 'SyntaxError: invalid syntax'],
    ['with Flow("x") as\nflow:\n    pass\n', 10, 1, 'SyntaxError: invalid syntax'],
  ];
  for (const row of inner) {
    it(`before more code: ${JSON.stringify(row[0])}`, async () => {
      await expectError('E_PARSE', row);
    });
  }

  it('layout Python accepts still loads', async () => {
    const ok = [
      'if True:\n    x = 1 \\\n        + 2\n    y = (3,\n  4)\n',
      'def f(a, \\\n      b):\n    return [a, \\\n            b]\n',
      'with Flow("c") \\\n        as flow:\n    pass\n',
      'if True:\n  \tx = 1\n  \ty = 2\n',
      's = """\n  not indented\n"""\n# comment\n    # indented comment\n',
    ];
    for (const src of ok) {
      const result = await loadSource(HEAD + src + AFTER);
      expect(result.errors, src).toEqual([]);
      expect(result.flows.map((f) => f.name)).toContain('after');
    }
  });
});

describe('compile errors anywhere in the file, task bodies included', () => {
  const rows: Row[] = [
    ['return 1\n', 9, 1, "SyntaxError: 'return' outside function"],
    ['@task\ndef u(xs):\n    for x in xs:\n        pass\n    break\n', 13, 5, "SyntaxError: 'break' outside loop"],
    ['def f():\n    x = [(yield) for _ in range(3)]\n', 10, 11, "SyntaxError: 'yield' inside list comprehension"],
    ['@task\ndef u():\n    await t()\n', 11, 5, "SyntaxError: 'await' outside async function"],
    ['def f():\n    nonlocal x\n', 10, 14, "SyntaxError: no binding for nonlocal 'x' found"],
    ['x = 1\nglobal x\n', 10, 8, "SyntaxError: name 'x' is used prior to global declaration"],
    ['@task\ndef u():\n    return dict(a=1, a=2)\n', 11, 22, 'SyntaxError: keyword argument repeated: a'],
    ['def f(a=1, b):\n    pass\n', 9, 12, 'SyntaxError: non-default argument follows default argument'],
    ['def f(*):\n    pass\n', 9, 7, 'SyntaxError: named arguments must follow bare *'],
    ['@task\ndef u():\n    return 0777\n', 11, 12, 'SyntaxError: leading zeros in decimal integer literals are not permitted'],
    ['@task\ndef u():\n    return "\\x1"\n', 11, 13, 'SyntaxError: (unicode error) truncated \\xXX escape'],
    ['@task\ndef u():\n    print "hello"\n', 11, 5, "SyntaxError: Missing parentheses in call to 'print'"],
    ['@task\ndef u():\n    try:\n        pass\n    except ValueError, e:\n        pass\n', 13, 5, 'SyntaxError: multiple exception types must be parenthesized'],
    ['try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n', 11, 1, "SyntaxError: default 'except:' must be last"],
    ['import os\nfrom __future__ import annotations\n', 10, 1, 'SyntaxError: from __future__ imports must occur at the beginning of the file'],
    ['async = 1\n', 9, 1, 'SyntaxError: invalid syntax'],
    ['f(x for x in [1], 2)\n', 9, 5, 'SyntaxError: Generator expression must be parenthesized'],
    ['x = u"a" b"b"\n', 9, 5, 'SyntaxError: cannot mix bytes and nonbytes literals'],
    ['x = b"caf\u00e9"\n', 9, 7, 'SyntaxError: bytes can only contain ASCII literal characters'],
    ['with open("f") as f():\n    pass\n', 9, 19, 'SyntaxError: cannot assign to call'],
    ['del f()\n', 9, 5, 'SyntaxError: cannot delete call'],
    ['(a, b) += (1, 2)\n', 9, 1, 'SyntaxError: illegal expression for augmented assignment'],
    ['x = `1`\n', 9, 5, 'SyntaxError: invalid syntax'],
    ['if 1 <> 2:\n    pass\n', 9, 4, 'SyntaxError: invalid syntax'],
    ['x = f"{1!z}"\n', 9, 9, "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a'"],
    ['import os, sys,\n', 9, 1, 'SyntaxError: trailing comma not allowed without surrounding parentheses'],
    ['flow2 = Flow(name as other)\n', 9, 14, 'SyntaxError: invalid syntax'],
  ];
  for (const row of rows) {
    it(JSON.stringify(row[0]), async () => {
      await expectError('E_PARSE', row);
    });
  }

  it('close constructs Python accepts still load', async () => {
    const ok = [
      'y = [x := 1]\nz = (w := 2)\nif (v := 3):\n    pass\n',
      'def outer():\n    n = 0\n    def inner():\n        nonlocal n\n        n += 1\n    return inner\n',
      'x = [*range(2), *[3]]\ny = {**{}, "a": 1}\nz = print(*x, sep="")\n',
      'x = 1\ndef g():\n    global x\n    x = 2\n',
      'match = 1\ntype = 2\nprint = 3\n',
      'with open("f") as f, open("g") as g:\n    pass\n',
      'def u(a, /, b=1, *args, c, d=2, **kw):\n    return lambda: (yield)\n',
      'class A:\n    def m(self):\n        return super().m()\n',
    ];
    for (const src of ok) {
      const result = await loadSource(HEAD + src + AFTER);
      expect(result.flows.map((f) => f.name), src).toContain('after');
    }
  });
});

describe('compile-time rules the loader does not reproduce refuse the file', () => {
  const rows: Row[] = [
    ['print >> sys.stderr, "x"\n', 9, 1, 'cannot load statically: print >> ...'],
    ['match 1:\n    case 1:\n        pass\n', 9, 1, 'cannot load statically: a match statement'],
    ['x = "\\N{BULLET}"\n', 9, 6, 'cannot load statically: a \\N{...} escape'],
    ['type X = int\n', 9, 1, 'cannot load statically: a type statement'],
    ['x = f"{x:=1}"\n', 9, 7, 'cannot load statically: an f-string field with `:=`'],
  ];
  for (const row of rows) {
    it(JSON.stringify(row[0]), async () => {
      await expectError('E_UNSUPPORTED', row);
    });
  }
});

describe('encoding declarations', () => {
  it('an encoding Python does not know, or reads ASCII differently in, is refused', async () => {
    for (const cookie of ['lat', 'utf-7', 'iso_8859_12']) {
      const result = await loadSource(`# coding: ${cookie}\n${HEAD}`);
      expect(result.flows, cookie).toEqual([]);
      expect(result.errors, cookie).toMatchObject([{ code: 'E_UNSUPPORTED', line: 1, column: 1 }]);
    }
  });

  it('a BOM with another declared encoding is a parse error', async () => {
    const result = await loadSource(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`# coding: latin-1\n${HEAD}`)]));
    expect(result.errors).toMatchObject([{ code: 'E_PARSE', line: 1, column: 1 }]);
    expect(result.errors[0]?.message).toContain('encoding problem: latin-1 with BOM');
  });

  it('ASCII files declaring a known ASCII-compatible encoding load', async () => {
    for (const cookie of ['latin-1', 'ISO-8859-15', 'cp1252', 'utf8']) {
      const result = await loadSource(`# -*- coding: ${cookie} -*-\n${HEAD}`);
      expect(result.errors, cookie).toEqual([]);
    }
  });
});

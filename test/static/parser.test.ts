/**
 * The parser's two ways of walking the tree-sitter tree give the same syntax tree: the direct
 * wasm cursor (wasm-cursor.ts, used when web-tree-sitter's internals are as expected) and
 * web-tree-sitter's public TreeCursor (the fallback).
 */
import { describe, expect, it } from 'vitest';
import { generateFlows } from '../../bench/generate.js';
import { parsePython } from '../../src/flows/static/parser.js';
import type { Syntax } from '../../src/flows/static/syntax.js';
import { goldenCases, goldenFile } from './golden-helpers.js';
import { plain } from './plain-syntax.js';

const MIXED = String.raw`"""Docstring."""
from prefect import Flow, task

@task(name="t")
def t(a: int = 1, *rest, key: str = "k", **kw) -> int:
    return a + \
        1

class Sync:
    def run(self, x=None):
        return f"{x!r:>{10}} \t done"

with Flow("mixed", schedule=None) as flow:
    xs = [t(i) for i in range(3) if i != 1]
    t.map(xs, key=b"\x00")
`;

describe('tree walks', () => {
  it('the wasm cursor and the public TreeCursor copy the same tree', async () => {
    const sources = [MIXED, ...generateFlows(40, 3).map((f) => f.source)];
    for (const path of new Set(goldenCases().map((c) => c.flowPath))) sources.push(goldenFile(path).content.toString('utf8'));
    for (const text of sources) {
      const fast = await parsePython('f.py', text);
      const slow = await parsePython('f.py', text, { publicCursor: true });
      expect(fast.ok).toBe(true);
      if (!fast.ok || !slow.ok) throw new Error('parse failed');
      expect(plain(fast.module)).toEqual(plain(slow.module));
    }
  });

  it('task bodies are opaque to the evaluator once checked', async () => {
    const parsed = await parsePython('f.py', MIXED);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const find = (n: Syntax): Syntax[] => (n.type === 'skipped_block' ? [n] : n.children.flatMap(find));
    const bodies = find(parsed.module);
    // The @task body and the run method's body.
    expect(bodies.map((b) => MIXED.slice(b.start, b.end).split('\n', 1)[0])).toEqual(['return a + \\', 'return f"{x!r:>{10}} \\t done"']);
    expect(bodies.every((b) => b.children.length === 0 && b.fields === undefined)).toBe(true);
  });
});

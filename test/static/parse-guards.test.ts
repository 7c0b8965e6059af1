/**
 * Inputs refused before parsing because tree-sitter would take seconds to hours on them: files
 * over the size limit, and long runs of comment lines after code (quadratic in tree-sitter-python).
 */
import { describe, expect, it } from 'vitest';
import { costliestCommentRun, MAX_COMMENT_RUN_COST } from '../../src/flows/static/parse-guards.js';
import { loadSource } from './load-helpers.js';

const FLOW = 'from prefect import Flow\n\nwith Flow("after-comments") as flow:\n    pass\n';
/** A commented-out block of `n` lines of 40 characters. */
const block = (n: number, indent = ''): string => `${indent}# ${'x'.repeat(37 - indent.length)}\n`.repeat(n);

describe('the cost of comment runs', () => {
  it('counts lines × characters of runs after code, blank lines included, and not a leading header', () => {
    expect(costliestCommentRun('# header\n# header\nx = 1\n')).toEqual({ cost: 0, lines: 0, line: 0 });
    expect(costliestCommentRun('x = 1\n# ab\n# ab\n')).toEqual({ cost: 2 * 10, lines: 2, line: 2 });
    expect(costliestCommentRun('x = 1\n# ab\n\n# ab\ny = 2\n# a\n')).toEqual({ cost: 3 * 11, lines: 3, line: 2 });
    expect(costliestCommentRun('x = 1\r\n  # ab\r\n')).toEqual({ cost: 8, lines: 1, line: 2 });
    expect(costliestCommentRun('')).toEqual({ cost: 0, lines: 0, line: 0 });
  });

  it('a commented-out block of 500 lines loads as usual', async () => {
    const result = await loadSource(`x = 1\n${block(500)}${FLOW}`);
    expect(result.errors).toEqual([]);
    expect(result.flows.map((f) => f.name)).toEqual(['after-comments']);
  });

  it('refuses a run that would keep the parser busy for minutes, with its line and the python loader as the way out', async () => {
    const lines = 5000;
    expect(lines * lines * 40).toBeGreaterThan(MAX_COMMENT_RUN_COST);
    for (const indent of ['', '    ']) {
      const source = indent === '' ? `x = 1\n${block(lines)}${FLOW}` : `def f():\n    x = 1\n${block(lines, indent)}${FLOW}`;
      const result = await loadSource(source);
      expect(result.flows).toEqual([]);
      expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line: indent === '' ? 2 : 3 }]);
      expect(result.errors[0]?.message).toMatch(/run of 5000 comment lines/);
      expect(result.errors[0]?.hint).toContain('--loader python');
    }
  });
});

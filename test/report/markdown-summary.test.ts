import { describe, expect, it } from 'vitest';
import type { RegisterSummary } from '../../src/report/markdown-summary.js';
import { markdownCode, markdownText, renderRegisterSummary } from '../../src/report/markdown-summary.js';

const ref = { type: 'branch' as const, name: 'main', commit: '45759ef0123456789abcdef0123456789abcdef0' };

const base: RegisterSummary = {
  dryRun: false,
  project: 'data-flows',
  ref,
  flows: [
    { name: 'hello-flow', flowPath: 'my_flows/hello_flow.py', status: 'registered', version: 2, url: 'http://localhost:8080/default/flow/abc' },
    { name: 'etl-pipeline', flowPath: 'etl/etl_pipeline.py', status: 'skipped', version: 1, url: null },
    { name: 'bad', flowPath: 'bad.py', status: 'failed', version: null, url: null, error: { code: 'E_PARTIAL', message: 'rejected for the test', hint: 'look at the server log' } },
  ],
  loadErrors: [],
};

describe('renderRegisterSummary', () => {
  it('puts project, ref and commit above a table with one row per flow, then the failures', () => {
    expect(renderRegisterSummary(base)).toBe(
      [
        '',
        '### prefect-git register',
        '',
        'project `data-flows` · branch `main` · commit `45759ef01234`',
        '',
        '1 registered · 1 skipped · 1 failed',
        '',
        '| flow | status | version | link |',
        '| --- | --- | --- | --- |',
        '| `hello-flow` | ✅ registered | v2 | [open](http://localhost:8080/default/flow/abc) |',
        '| `etl-pipeline` | ➖ skipped (unchanged) | v1 |  |',
        '| `bad` | ❌ failed | – |  |',
        '',
        '#### Failures',
        '',
        '- `bad` (`bad.py`): **E\\_PARTIAL** rejected for the test',
        '  - hint: look at the server log',
        '',
      ].join('\n'),
    );
  });

  it('starts with a blank line and ends with a newline, so appended summaries stay apart', () => {
    const twice = renderRegisterSummary(base) + renderRegisterSummary(base);
    expect(twice).toContain('| `bad` | ❌ failed | – |  |\n\n#### Failures');
    expect(twice.match(/^### prefect-git register$/gm)).toHaveLength(2);
    expect(twice).toContain('look at the server log\n\n### prefect-git register');
  });

  it('renders a dry run as the plan, with the latest version and the reason', () => {
    const text = renderRegisterSummary({
      dryRun: true,
      project: 'new-project',
      projectCreated: true,
      ref,
      flows: [
        { name: 'a', flowPath: 'a.py', status: 'would-register', version: null, reason: "no flow named 'a' in project 'new-project' yet" },
        { name: 'b', flowPath: 'b.py', status: 'would-skip', version: 3, reason: 'metadata matches version 3' },
      ],
      loadErrors: [],
    });
    expect(text).toContain('### prefect-git register (dry run: nothing sent)');
    expect(text).toContain('project `new-project` (would be created)');
    expect(text).toContain('1 would register · 1 would skip · 0 refused');
    expect(text).toContain('| flow | plan | latest version | why |');
    expect(text).toContain("| `a` | ➕ would register | – | no flow named 'a' in project 'new-project' yet |");
    expect(text).toContain('| `b` | ➖ would skip (unchanged) | v3 | metadata matches version 3 |');
    expect(text).not.toContain('Failures');
  });

  it('lists files that could not be read with file:line:column, and flows left out by --changed-since', () => {
    const text = renderRegisterSummary({
      ...base,
      flows: [],
      loadErrors: [{ code: 'E_PARSE', file: 'flows/broken.py', line: 3, column: 7, message: 'invalid syntax', hint: 'fix the syntax error' }],
      changedSince: { since: 'origin/main', leftOut: 20 },
    });
    expect(text).toContain('0 registered · 0 skipped · 0 failed · 1 not read · 20 left out (unchanged since `origin/main`)');
    expect(text).toContain('_No flows to register._');
    expect(text).toContain('- `flows/broken.py:3:7`: **E\\_PARSE** invalid syntax\n  - hint: fix the syntax error');
  });

  it('reports the error that stopped a run, with what was known by then', () => {
    const text = renderRegisterSummary({
      dryRun: false,
      project: null,
      ref: null,
      flows: [],
      loadErrors: [],
      fatal: { code: 'E_PROJECT_NOT_FOUND', message: "Project 'x' does not exist", hint: 'Pass --create-project' },
    });
    expect(text).toBe(['', '### prefect-git register', '', '#### Error', '', "- **E\\_PROJECT\\_NOT\\_FOUND** Project 'x' does not exist", '  - hint: Pass --create-project', ''].join('\n'));
  });

  it('keeps the table intact whatever names and messages hold', () => {
    const text = renderRegisterSummary({
      ...base,
      flows: [
        { name: 'a|b `x`', flowPath: 'p|q.py', status: 'failed', version: null, url: null, error: { code: 'E_API', message: "line one\nline two | <class 'list'> *bold*" } },
        { name: 'ok', flowPath: 'ok.py', status: 'registered', version: 1, url: 'javascript:alert(1)' },
        { name: 'paren', flowPath: 'p.py', status: 'registered', version: 1, url: 'https://ui.example/a (b)' },
      ],
    });
    const rows = text.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(3);
    // Every row has exactly the 5 unescaped borders of 4 cells.
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    expect(rows[0]).toContain('`` a\\|b `x` ``');
    expect(text).toContain("line one line two \\| &lt;class 'list'&gt; \\*bold\\*");
    expect(rows[1]).not.toContain('javascript');
    expect(rows[2]).toContain('[open](https://ui.example/a%20%28b%29)');
  });
});

describe('markdown escaping', () => {
  it('escapes punctuation and HTML and joins lines', () => {
    expect(markdownText('a_b*c [d](e) <f> & g\n h')).toBe('a\\_b\\*c \\[d\\](e) &lt;f&gt; &amp; g h');
  });

  it('fences code spans longer than any backtick run inside', () => {
    expect(markdownCode('plain')).toBe('`plain`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b', true)).toBe('`a\\|b`');
    expect(markdownCode('a|b')).toBe('`a|b`');
  });
});

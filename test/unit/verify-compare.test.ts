import { describe, expect, it } from 'vitest';
import type { RegisteredFlow } from '../../src/api/types.js';
import { parseLsRemote } from '../../src/git/ls-remote.js';
import { pyFloat } from '../../src/prefect/py-value.js';
import { compareFlow, parameterSpecs } from '../../src/verify/compare.js';
import { planChecks, registeredFlowFilter } from '../../src/verify/targets.js';

const spec = (name: string, required: boolean, def: unknown) => ({ name, required, defaultJson: JSON.stringify(def) });
const where = 'flows/etl.py at branch main (abc1234)';

describe('compareFlow', () => {
  it('finds nothing when slugs and parameters match', () => {
    const shape = { taskSlugs: ['extract-1', 'load-1', 'day'], parameters: [spec('day', false, 1)] };
    expect(compareFlow(shape, { ...shape, taskSlugs: [...shape.taskSlugs].reverse() }, where)).toEqual([]);
  });

  it('a renamed task: the registered slug is gone (runs fail) and the new one is unregistered', () => {
    const findings = compareFlow({ taskSlugs: ['extract-1', 'load-1'], parameters: [] }, { taskSlugs: ['extract-1', 'store-1'], parameters: [] }, where);
    expect(findings).toEqual([
      { kind: 'slug-missing', fails: true, message: `runs will fail: slug \`load-1\` no longer exists in ${where}` },
      { kind: 'slug-added', fails: true, message: `runs will fail: task \`store-1\` is in ${where} but not registered (the server makes no task run for it)` },
    ]);
  });

  it('parameters: default changed, made required, added, removed', () => {
    const findings = compareFlow(
      { taskSlugs: [], parameters: [spec('a', false, 1), spec('b', false, 'x'), spec('gone', false, null)] },
      { taskSlugs: [], parameters: [spec('a', false, 2), spec('b', true, null), spec('new', true, null)] },
      where,
    );
    expect(findings.map((f) => [f.kind, f.fails])).toEqual([
      ['parameter-required', true],
      ['parameter-added', true],
      ['parameter-default', false],
      ['parameter-missing', false],
    ]);
    expect(findings.find((f) => f.kind === 'parameter-default')?.message).toBe(`parameter \`a\` default is 2 in ${where} but 1 as registered (runs get the registered one)`);
  });
});

describe('parameterSpecs', () => {
  it('reads registered JSON and code PyValues alike; 1 and 1.0 and key order compare equal', () => {
    const code = parameterSpecs([{ name: 'x', slug: 'x', required: false, default: { b: pyFloat(1), a: [1n] } }]);
    const registered = parameterSpecs([{ name: 'x', slug: 'x', required: false, default: { a: [1], b: 1 } }]);
    expect(code).toEqual(registered);
    expect(parameterSpecs(null)).toEqual([]);
  });
});

describe('planChecks', () => {
  const refs = parseLsRemote(
    [`${'1'.repeat(40)}\trefs/heads/main`, `${'2'.repeat(40)}\trefs/tags/v1`, `${'3'.repeat(40)}\trefs/tags/v2`, `${'4'.repeat(40)}\trefs/tags/v2^{}`].join('\n'),
  );
  const flow = (name: string, storage: unknown, archived = false): RegisteredFlow => ({ id: name, name, version: 1, archived, flowGroupId: 'g', storage, parameters: [], taskSlugs: [] });
  const git = (name: string, extra: Record<string, unknown>) => ({ type: 'Git', repo_host: 'github.com', repo: 'acme/flows', flow_path: `${name}.py`, flow_name: name, flows: { [name]: `${name}.py` }, ...extra });
  const plan = (flows: RegisteredFlow[], defaultBranch?: string) =>
    planChecks({ flows, refs, remote: 'origin', defaultBranch, repository: { repoHost: 'github.com', repo: 'acme/flows' } });

  it('reads branches and tags at the remote commit', () => {
    const { done, targets } = plan([flow('a', git('a', { branch_name: 'main' })), flow('b', git('b', { tag: 'v1' }))]);
    expect(done).toEqual([]);
    expect(targets.map((t) => [t.flow.name, t.ref, t.commit, t.findings])).toEqual([
      ['a', { type: 'branch', name: 'main' }, '1'.repeat(40), []],
      ['b', { type: 'tag', name: 'v1' }, '2'.repeat(40), []],
    ]);
  });

  it('storage without branch or tag is read at the default branch, or left unverified', () => {
    expect(plan([flow('a', git('a', {}))], 'main').targets[0]?.ref).toEqual({ type: 'branch', name: 'main' });
    expect(plan([flow('a', git('a', {}))]).done[0]).toMatchObject({ status: 'unverified' });
  });

  it('decides without reading: archived, other storage, other repository, ref gone', () => {
    const { done, targets } = plan([
      flow('archived', git('archived', { branch_name: 'main' }), true),
      flow('docker', { type: 'Docker' }),
      flow('other', git('other', { branch_name: 'main', repo: 'acme/other' })),
      flow('gone', git('gone', { branch_name: 'feature/x' })),
    ]);
    expect(targets).toEqual([]);
    expect(done.map((d) => [d.name, d.status])).toEqual([
      ['archived', 'skipped'],
      ['docker', 'unverified'],
      ['other', 'unverified'],
      ['gone', 'drift'],
    ]);
    expect(done[2]?.note).toBe('its storage clones github.com/acme/other, not this repository (github.com/acme/flows)');
    expect(done[3]?.findings[0]?.message).toBe('runs will fail: branch feature/x no longer exists on origin');
  });

  it('an annotated tag and a flows map without the name are failing findings', () => {
    const [target] = plan([flow('a', { ...git('a', { tag: 'v2' }), flows: {} })]).targets;
    expect(target?.commit).toBe('4'.repeat(40));
    expect(target?.findings.map((f) => [f.kind, f.fails])).toEqual([
      ['annotated-tag', true],
      ['storage-flows', true],
    ]);
  });
});

describe('registeredFlowFilter', () => {
  it('keeps flows by file or folder and by name', () => {
    const keep = registeredFlowFilter(['my_flows/', 'etl.py'], []);
    expect(keep({ name: 'a', flowPath: 'my_flows/a.py' })).toBe(true);
    expect(keep({ name: 'b', flowPath: 'etl.py' })).toBe(true);
    expect(keep({ name: 'c', flowPath: 'my_flows_old/c.py' })).toBe(false);
    expect(keep({ name: 'd', flowPath: null })).toBe(false);
    expect(registeredFlowFilter([''], ['a'])({ name: 'b', flowPath: 'x.py' })).toBe(false);
    expect(registeredFlowFilter([], [])({ name: 'b', flowPath: null })).toBe(true);
  });
});

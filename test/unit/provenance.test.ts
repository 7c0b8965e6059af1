import { describe, expect, it } from 'vitest';
import type { PrefectApi } from '../../src/api/types.js';
import { PrefectGitError } from '../../src/errors.js';
import { codeUrl, provenanceDescription, recordProvenance, replaceProvenanceBlock } from '../../src/register/provenance.js';
import type { FlowResult, PlanItem } from '../../src/register/types.js';

const branch = { type: 'branch' as const, name: 'feature/x' };
const tag = { type: 'tag' as const, name: 'v1.2.0' };

describe('codeUrl', () => {
  it.each([
    ['github.com', branch, 'https://github.com/acme/flows/blob/feature/x/my_flows/etl.py'],
    ['github.acme.com', tag, 'https://github.acme.com/acme/flows/blob/v1.2.0/my_flows/etl.py'],
    ['gitlab.com', branch, 'https://gitlab.com/acme/flows/-/blob/feature/x/my_flows/etl.py'],
    ['gitlab.internal:8443', tag, 'https://gitlab.internal:8443/acme/flows/-/blob/v1.2.0/my_flows/etl.py'],
    ['codeberg.org', branch, 'https://codeberg.org/acme/flows/src/branch/feature/x/my_flows/etl.py'],
    ['gitea.acme.dev', tag, 'https://gitea.acme.dev/acme/flows/src/tag/v1.2.0/my_flows/etl.py'],
    ['bitbucket.org', branch, 'https://bitbucket.org/acme/flows/src/feature/x/my_flows/etl.py'],
    ['git.acme.dev', branch, null],
    ['notgithub.com', branch, null],
  ])('%s %j → %s', (repoHost, ref, expected) => {
    expect(codeUrl({ repoHost, repo: 'acme/flows', ref, flowPath: 'my_flows/etl.py' })).toBe(expected);
  });

  it('percent-encodes each segment but keeps the slashes', () => {
    expect(codeUrl({ repoHost: 'github.com', repo: 'acme/flows', ref: { type: 'branch', name: 'fix/#12' }, flowPath: 'a b/c.py' })).toBe('https://github.com/acme/flows/blob/fix/%2312/a%20b/c.py');
  });
});

describe('provenanceDescription', () => {
  it('names ref, commit, file and link', () => {
    const text = provenanceDescription({ ref: branch, commit: 'a'.repeat(40), flowPath: 'my_flows/etl.py', url: 'https://x/y' });
    expect(text.split('\n')).toEqual([
      `Registered by prefect-git from branch feature/x at commit ${'a'.repeat(40)}.`,
      'Flow runs clone the head of feature/x, which may have moved on since.',
      'Flow file: my_flows/etl.py',
      'Code: https://x/y',
    ]);
    expect(provenanceDescription({ ref: tag, commit: 'c', flowPath: 'f.py', url: null })).not.toContain('Code:');
  });
});

describe('replaceProvenanceBlock', () => {
  const block = 'Registered by prefect-git from branch main at commit new.\nFlow runs clone the head of main, which may have moved on since.\nFlow file: flows/x.py';
  const old = 'Registered by prefect-git from tag v1 at commit old.\nFlow runs clone tag v1.\nFlow file: flows/x.py\nCode: https://github.com/acme/flows/blob/v1/flows/x.py';
  it.each([
    ['null', null, block],
    ['empty', '', block],
    ['whitespace only', ' \n\t', block],
    ['user text only', 'Owned by the data team', `Owned by the data team\n\n${block}`],
    ['user text with trailing blank lines', 'Owned by the data team\n\n\n', `Owned by the data team\n\n${block}`],
    ['old block only', old, block],
    ['block only, already current', block, block],
    ['user text + old block', `Owned by the data team\nPager: #data-oncall\n\n${old}`, `Owned by the data team\nPager: #data-oncall\n\n${block}`],
    ['text below an old block counts as part of it', `Owned by the data team\n\n${old}\n\nwritten below`, `Owned by the data team\n\n${block}`],
    ['user text with CRLF + old block with CRLF', `Owned by\r\nthe data team\r\n\r\n${old.replaceAll('\n', '\r\n')}`, `Owned by\r\nthe data team\n\n${block}`],
    ['user text with CRLF, no block', 'Owned by\r\nthe data team\r\n', `Owned by\r\nthe data team\n\n${block}`],
    ['"prefect-git" mentioned, not at a line start', 'Deployed with prefect-git. Registered by prefect-git from CI.', `Deployed with prefect-git. Registered by prefect-git from CI.\n\n${block}`],
    ['indented marker line is user text', '  Registered by prefect-git from branch x', `  Registered by prefect-git from branch x\n\n${block}`],
  ])('%s', (_, current, expected) => {
    expect(replaceProvenanceBlock(current, block)).toBe(expected);
  });

  it('is stable: replacing again keeps the user text once and one block', () => {
    const once = replaceProvenanceBlock('Owned by the data team', old);
    const twice = replaceProvenanceBlock(once, block);
    expect(twice).toBe(`Owned by the data team\n\n${block}`);
    expect(replaceProvenanceBlock(twice, block)).toBe(twice);
  });
});

describe('recordProvenance', () => {
  const result = (name: string, status: FlowResult['status']): FlowResult => ({
    name,
    flowPath: `flows/${name}.py`,
    status,
    flowId: status === 'failed' ? null : `id-${name}`,
    version: 1,
    flowGroupId: status === 'failed' ? null : `group-${name}`,
    url: null,
  });

  const planned = (name: string, flowGroupDescription: string | null): PlanItem => ({
    name,
    flowPath: `flows/${name}.py`,
    action: 'changed',
    reason: '',
    latest: { id: `old-${name}`, version: 1, flowGroupId: `group-${name}`, archived: false, scheduleActive: true, storage: null, flowGroupDescription },
  });

  it("keeps the planned description's user text; a flow without a previous version gets the block alone", async () => {
    const sent = new Map<string, string>();
    const api = {
      setFlowGroupDescriptions: (items: Array<{ flowGroupId: string; description: string }>) => {
        for (const item of items) sent.set(item.flowGroupId, item.description);
        return Promise.resolve([]);
      },
    } as unknown as PrefectApi;
    const results = [result('a', 'registered'), result('b', 'registered'), result('c', 'skipped')];
    const plan = { items: [planned('a', 'Owned by the data team\n\nRegistered by prefect-git from tag v0 at commit old.'), { name: 'b', flowPath: 'flows/b.py', action: 'new' as const, reason: '' }, planned('c', 'Owned by ops')] };
    await recordProvenance({ api, results, plan, ref: { ...tag, commit: 'abc' }, repository: null, onWarning: () => undefined });
    const block = (name: string): string => provenanceDescription({ ref: tag, commit: 'abc', flowPath: `flows/${name}.py`, url: null });
    expect(Object.fromEntries(sent)).toEqual({ 'group-a': `Owned by the data team\n\n${block('a')}`, 'group-b': block('b') });
  });

  it('describes only registered flows; a failure is a warning, not an exception', async () => {
    const calls: Array<[string, string]> = [];
    const api = {
      setFlowGroupDescriptions: (items: Array<{ flowGroupId: string; description: string }>) => {
        for (const item of items) calls.push([item.flowGroupId, item.description]);
        return Promise.resolve(items.filter((item) => item.flowGroupId === 'group-b').map((item) => item.flowGroupId));
      },
    } as unknown as PrefectApi;
    const warnings: string[] = [];
    const records = await recordProvenance({
      api,
      results: [result('a', 'registered'), result('b', 'registered'), result('c', 'skipped'), result('d', 'failed')],
      plan: { items: [] },
      ref: { ...tag, commit: 'abc' },
      repository: { repoHost: 'github.com', repo: 'acme/flows' },
      onWarning: (m) => warnings.push(m),
    });
    expect(calls.map(([id]) => id).sort()).toEqual(['group-a', 'group-b']);
    expect(calls[0]?.[1]).toContain('Code: https://github.com/acme/flows/blob/v1.2.0/flows/a.py');
    expect(records).toEqual([
      { name: 'a', url: 'https://github.com/acme/flows/blob/v1.2.0/flows/a.py', recorded: true },
      { name: 'b', url: 'https://github.com/acme/flows/blob/v1.2.0/flows/b.py', recorded: false },
    ]);
    expect(warnings).toEqual(['b is registered, but recording its provenance in the flow group description failed: the server did not confirm it']);
  });

  it('sends the descriptions in batches, and a failed batch only warns for its own flows', async () => {
    const batches: number[] = [];
    const api = {
      setFlowGroupDescriptions: (items: Array<{ flowGroupId: string }>) => {
        batches.push(items.length);
        return items.some((item) => item.flowGroupId === 'group-f0')
          ? Promise.reject(new PrefectGitError('E_API_UNREACHABLE', 'connection reset'))
          : Promise.resolve([]);
      },
    } as unknown as PrefectApi;
    const warnings: string[] = [];
    const results = Array.from({ length: 120 }, (_, i) => result(`f${i}`, 'registered'));
    const records = await recordProvenance({ api, results, plan: { items: [] }, ref: { ...tag, commit: 'abc' }, repository: null, onWarning: (m) => warnings.push(m), concurrency: 8 });
    expect(batches.sort((a, b) => a - b)).toEqual([20, 50, 50]);
    expect(records.filter((r) => !r.recorded)).toHaveLength(50);
    expect(warnings).toHaveLength(50);
    expect(warnings[0]).toContain('connection reset');
  });
});

import { describe, expect, it } from 'vitest';
import type { ProjectWithFlows, StorageRef } from '../../src/api/types.js';
import { parseLsRemote } from '../../src/git/ls-remote.js';
import { patternRegex, planPrune } from '../../src/prune/plan.js';

const sha = (n: number): string => String(n).repeat(40).slice(0, 40);
const refs = parseLsRemote([`${sha(1)}\trefs/heads/main`, `${sha(2)}\trefs/heads/feature/live`, `${sha(3)}\trefs/tags/v1.0.0`].join('\n'));
const git = (fields: Partial<StorageRef>): StorageRef => ({ type: 'Git', branchName: null, tag: null, repoHost: 'github.com', repo: 'acme/flows', ...fields });
const project = (name: string, flows: Array<StorageRef | null> = []): ProjectWithFlows => ({
  id: `id-${name}`,
  name,
  tenantId: 't',
  flows: flows.map((storage, i) => ({ name: `flow-${i}`, storage })),
});

describe('patternRegex', () => {
  it('turns placeholders into groups and keeps the rest literal', () => {
    const slug = patternRegex('analytics.{ref_slug}');
    expect(slug.test('analytics.feature-x')).toBe(true);
    expect(slug.test('analyticsXfeature-x')).toBe(false);
    expect(slug.test('analytics.Feature')).toBe(false);
    expect(patternRegex('data/{branch}').test('data/feature/x')).toBe(true);
  });
  it('refuses a pattern without placeholder (E_USAGE) and an unknown one (E_CONFIG)', () => {
    expect(() => patternRegex('analytics')).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => patternRegex('analytics-{sha}')).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});

describe('planPrune', () => {
  it('deletes only matching projects whose ref is gone; keeps live ones; ignores the rest', () => {
    const plan = planPrune({
      pattern: 'analytics-{ref_slug}',
      refs,
      remote: 'origin',
      projects: [
        project('analytics'),
        project('reporting-feature-old'),
        project('analytics-main', [git({ branchName: 'main' })]),
        project('analytics-feature-live', [git({ branchName: 'feature/live' })]),
        project('analytics-v1-0-0', [git({ tag: 'v1.0.0' })]),
        project('analytics-feature-old', [git({ branchName: 'feature/old' })]),
        project('analytics-empty'),
      ],
    });
    expect(plan.unmatched).toBe(2);
    expect(plan.items.map((i) => [i.name, i.action])).toEqual([
      ['analytics-main', 'keep'],
      ['analytics-feature-live', 'keep'],
      ['analytics-v1-0-0', 'keep'],
      ['analytics-feature-old', 'delete'],
      ['analytics-empty', 'delete'],
    ]);
    expect(plan.items[1]?.reason).toBe('made for branch feature/live, which still exists on origin');
    expect(plan.items[3]?.reason).toBe('made for branch feature/old; no branch or tag on origin gives this name any more');
    expect(plan.items[4]?.reason).toContain("ref slug 'empty'");
  });

  it('keeps a matching project whose flows come from a live ref or are not Git storage', () => {
    const plan = planPrune({
      pattern: 'analytics-{ref_slug}',
      refs,
      remote: 'origin',
      projects: [project('analytics-prod', [git({ branchName: 'main' })]), project('analytics-legacy', [git({ type: 'Docker' })])],
    });
    expect(plan.items.map((i) => [i.name, i.action])).toEqual([
      ['analytics-prod', 'keep'],
      ['analytics-legacy', 'keep'],
    ]);
    expect(plan.items[0]?.reason).toBe('its flows were registered from branch main, which still exists on origin');
  });

  it('{branch} is not filled by tags', () => {
    const plan = planPrune({ pattern: 'b-{branch}', refs, remote: 'origin', projects: [project('b-v1.0.0', [git({ tag: 'gone' })])] });
    expect(plan.items[0]?.action).toBe('delete');
  });

  it('refuses when the remote lists no branches at all', () => {
    expect(() => planPrune({ pattern: 'a-{ref_slug}', refs: parseLsRemote(''), remote: 'origin', projects: [project('a-x')] })).toThrow(
      expect.objectContaining({ code: 'E_GIT' }),
    );
  });
});

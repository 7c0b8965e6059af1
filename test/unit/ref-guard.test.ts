import { describe, expect, it } from 'vitest';
import type { StorageRef } from '../../src/api/types.js';
import { checkRefChange, registeredRefOf } from '../../src/register/ref-guard.js';

const git = (fields: Partial<StorageRef>): StorageRef => ({ type: 'Git', branchName: null, tag: null, repoHost: 'github.com', repo: 'acme/flows', ...fields });
const branch = (name: string) => ({ type: 'branch' as const, name });
const tag = (name: string) => ({ type: 'tag' as const, name });
const check = (incoming: { type: 'branch' | 'tag'; name: string }, registered: StorageRef | null, extra: { defaultBranch?: string; projectTemplate?: string } = {}) =>
  checkRefChange({ flowName: 'etl', projectName: 'analytics', incoming, registered, ...extra });

describe('registeredRefOf', () => {
  it.each([
    [null, { kind: 'none' }],
    [git({ type: 'Docker' }), { kind: 'none' }],
    [git({ branchName: 'main' }), { kind: 'branch', name: 'main' }],
    [git({ tag: 'v1' }), { kind: 'tag', name: 'v1' }],
    [git({}), { kind: 'default-branch' }],
  ])('%j → %j', (storage, expected) => {
    expect(registeredRefOf(storage)).toEqual(expected);
  });
});

describe('checkRefChange (the branch guard table)', () => {
  it.each([
    ['new flow', branch('feature/y'), null, false],
    ['not Git storage', branch('feature/y'), git({ type: 'Docker' }), false],
    ['same branch', branch('main'), git({ branchName: 'main' }), false],
    ['other branch', branch('feature/y'), git({ branchName: 'main' }), true],
    ['branch over tag', branch('main'), git({ tag: 'v1.0.0' }), true],
    ['tag over branch (release)', tag('v1.0.0'), git({ branchName: 'main' }), false],
    ['tag over tag (release)', tag('v1.1.0'), git({ tag: 'v1.0.0' }), false],
    ['default branch over ref-less Git', branch('main'), git({}), false],
    ['other branch over ref-less Git', branch('feature/y'), git({}), true],
  ])('%s → refused: %s', (_what, incoming, registered, refused) => {
    expect(check(incoming, registered, { defaultBranch: 'main' }) !== null).toBe(refused);
  });

  it('explains the thrash and gives the per-branch project hint', () => {
    const change = check(branch('feature/y'), git({ branchName: 'main' }));
    expect(change?.message).toBe(
      "flow etl in project analytics was registered from branch main; registering feature/y would archive main's version and the two branches would replace each other on every push",
    );
    expect(change?.hint).toContain('--project "analytics-{ref_slug}" --create-project');
    expect(change?.hint).toContain('--allow-ref-change');
  });

  it('says a pinned release would be replaced by a moving branch', () => {
    expect(check(branch('main'), git({ tag: 'v2.0.0' }))?.message).toContain('is pinned to tag v2.0.0');
  });

  it('a per-branch template that still collides gets a different hint (two refs, one slug)', () => {
    const change = check(branch('feature-x'), git({ branchName: 'feature/x' }), { projectTemplate: 'data-{ref_slug}' });
    expect(change?.hint).toContain('"data-{ref_slug}" gives both refs the project analytics');
    expect(change?.hint).not.toContain('--create-project');
  });

  it('refuses over ref-less Git storage when the default branch is unknown', () => {
    expect(check(branch('main'), git({}))).not.toBeNull();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { assertRefName, isValidRefName, refNameProblem } from '../../src/git/ref-name.js';

describe('refNameProblem', () => {
  it.each(['main', 'feature/x', 'v1.2.0', 'release-2024.01', 'a@b', 'fix_#12', 'é/ü', 'x.lockfile', 'a/b.c/d', 'v1+build'])('accepts %j', (name) => {
    expect(refNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'it is empty'],
    ['-rf', 'it starts with "-" (git would read it as an option)'],
    ['--upload-pack=x', 'it starts with "-" (git would read it as an option)'],
    ['@', 'it is "@"'],
    ['a..b', 'it contains ".."'],
    ['has space', 'it contains a space'],
    ['tab\there', 'it contains a control character'],
    ['del\x7f', 'it contains a control character'],
    ['a~1', 'it contains "~"'],
    ['a^2', 'it contains "^"'],
    ['a:b', 'it contains ":"'],
    ['what?', 'it contains "?"'],
    ['glob*', 'it contains "*"'],
    ['br[1]', 'it contains "["'],
    ['back\\slash', 'it contains "\\"'],
    ['trailing/', 'it starts or ends with "/"'],
    ['/leading', 'it starts or ends with "/"'],
    ['a//b', 'it contains "//"'],
    ['x.lock', 'its component "x.lock" ends with ".lock"'],
    ['a.lock/b', 'its component "a.lock" ends with ".lock"'],
    ['ends.', 'it ends with "."'],
    ['a@{1}', 'it contains "@{"'],
    ['.hidden', 'its component ".hidden" starts with "."'],
    ['a/.b', 'its component ".b" starts with "."'],
  ])('refuses %j: %s', (name, problem) => {
    expect(refNameProblem(name)).toBe(problem);
  });

  it('refuses HEAD as a branch but not as a tag', () => {
    expect(isValidRefName('HEAD', 'branch')).toBe(false);
    expect(isValidRefName('HEAD', 'tag')).toBe(true);
  });
});

describe('assertRefName', () => {
  it('returns a valid name', () => {
    expect(assertRefName('v1', 'tag')).toBe('v1');
  });

  it('throws E_REF_NAME (exit 3) with the kind, the rule and a hint', () => {
    let error: unknown;
    try {
      assertRefName('bad..name', 'tag');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrefectGitError);
    const e = error as PrefectGitError;
    expect(e.code).toBe('E_REF_NAME');
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe('invalid tag name "bad..name": it contains ".."');
    expect(e.hint).toContain('--tag');
  });

  it('keeps control characters visible and the message on one line', () => {
    expect(() => assertRefName('a\nb')).toThrow('invalid branch name "a\\nb"');
  });
});

describe('properties', () => {
  it('never accepts a name starting with "-" and never throws from refNameProblem', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const problem = refNameProblem(s);
        if (s.startsWith('-')) expect(problem).toBeDefined();
        if (problem === undefined) expect(() => assertRefName(s, 'tag')).not.toThrow();
        else expect(() => assertRefName(s, 'tag')).toThrow(PrefectGitError);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every name built from safe components', () => {
    const component = fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,10}$/).filter((c) => !c.endsWith('.lock') && !c.includes('..') && !c.endsWith('.'));
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 4 }), (parts) => {
        expect(refNameProblem(parts.join('/'))).toBeUndefined();
      }),
    );
  });
});

/**
 * Branch, tag and remote names are checked here before they reach git or a Prefect storage
 * object. The rules are git's `check-ref-format` ones (for a single name, one level allowed), plus
 * a refusal of names starting with `-`, which git would read as an option.
 */
import { PrefectGitError } from '../errors.js';

/** What a name is used as; only changes the wording of messages (and `HEAD` for branches). */
export type RefNameKind = 'branch' | 'tag' | 'remote';

// Space, ~ ^ : ? * [ \ and ASCII control characters (0x00-0x1f, 0x7f) are never allowed.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\x00-\x1f\x7f ~^:?*[\\]/;

/**
 * Returns why `name` is not a valid ref name, or `undefined` when it is valid.
 * Pure; never throws.
 */
export function refNameProblem(name: string, kind: RefNameKind = 'branch'): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.startsWith('-')) return 'it starts with "-" (git would read it as an option)';
  if (name === '@') return 'it is "@"';
  if (kind === 'branch' && name === 'HEAD') return 'HEAD is not a branch name';
  const bad = FORBIDDEN_CHAR.exec(name);
  if (bad) {
    const ch = bad[0];
    const code = ch.charCodeAt(0);
    const shown = ch === ' ' ? 'a space' : code < 0x20 || code === 0x7f ? 'a control character' : `"${ch}"`;
    return `it contains ${shown}`;
  }
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/')) return 'it starts or ends with "/"';
  if (name.includes('//')) return 'it contains "//"';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `its component "${component}" starts with "."`;
    if (component.endsWith('.lock')) return `its component "${component}" ends with ".lock"`;
  }
  return undefined;
}

/** True when `name` passes {@link refNameProblem}. Pure; never throws. */
export function isValidRefName(name: string, kind: RefNameKind = 'branch'): boolean {
  return refNameProblem(name, kind) === undefined;
}

/**
 * Returns `name` unchanged when it is a valid ref name.
 * @throws PrefectGitError E_REF_NAME (exit 3) naming the rule it breaks, with a hint.
 */
export function assertRefName(name: string, kind: RefNameKind = 'branch'): string {
  const problem = refNameProblem(name, kind);
  if (problem !== undefined) {
    // JSON.stringify keeps control characters visible and the message on one line.
    throw new PrefectGitError('E_REF_NAME', `invalid ${kind} name ${JSON.stringify(name)}: ${problem}`, {
      hint: `use a name git accepts (see \`git check-ref-format --help\`); check the --${kind} flag and the BUILD_TAG / GIT_BRANCH variables`,
      details: { kind },
    });
  }
  return name;
}

/**
 * Returns why `rev` cannot be handed to git as a revision (`--changed-since`), or `undefined`.
 * Wider than ref names on purpose: `HEAD~3`, `origin/main`, `v1.2^{commit}` and shas are all
 * useful there; only what git would read as an option, or cannot mean a revision, is refused.
 * Pure; never throws.
 */
export function revisionProblem(rev: string): string | undefined {
  if (rev.length === 0) return 'it is empty';
  if (rev.startsWith('-')) return 'it starts with "-" (git would read it as an option)';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(rev)) return 'it contains a space or a control character';
  if (rev.includes('..')) return 'it names a range ("..") where one commit is needed';
  return undefined;
}

/**
 * Returns `rev` unchanged when {@link revisionProblem} finds nothing.
 * @throws PrefectGitError E_REF_NAME (exit 3) naming the problem; `what` names the flag in it.
 */
export function assertRevision(rev: string, what: string): string {
  const problem = revisionProblem(rev);
  if (problem !== undefined) {
    throw new PrefectGitError('E_REF_NAME', `invalid ${what} ${JSON.stringify(rev)}: ${problem}`, {
      hint: `give one commit git can resolve: a branch (origin/main), a tag, a sha or HEAD~1`,
    });
  }
  return rev;
}

/**
 * Refuses `value` (a revision, remote or path argument) when it starts with `-`, before any git
 * process is spawned: git would read it as an option.
 * @throws PrefectGitError E_REF_NAME (exit 3); `what` names the argument in the message.
 */
export function refuseOption(value: string, what: string): void {
  if (value.startsWith('-')) {
    throw new PrefectGitError('E_REF_NAME', `invalid ${what} ${JSON.stringify(value)}: it starts with "-"`, {
      hint: `git would read it as an option; use a ${what} that does not start with "-"`,
    });
  }
}

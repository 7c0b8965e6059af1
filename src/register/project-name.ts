import { PrefectGitError } from '../errors.js';
import type { ResolvedRef } from '../git/types.js';

/** `feature/X_1` → `feature-x-1`: lower case, every run of other characters one `-`. */
export function refSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Fills `{branch}`, `{tag}`, `{ref}` and `{ref_slug}` in a project name from the resolved ref,
 * so one setting gives per-branch projects (`analytics-{ref_slug}`).
 * @throws PrefectGitError E_CONFIG for an unknown placeholder, or `{tag}` on a branch (and back).
 */
export function expandProjectName(template: string, ref: Pick<ResolvedRef, 'type' | 'name'>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, key: string) => {
    switch (key) {
      case 'ref':
        return ref.name;
      case 'ref_slug':
        return refSlug(ref.name);
      case 'branch':
      case 'tag':
        if (ref.type !== key) {
          throw new PrefectGitError('E_CONFIG', `project name '${template}' uses {${key}} but the ref is a ${ref.type} (${ref.name})`, {
            hint: 'Use {ref} or {ref_slug}, which work for branches and tags alike.',
          });
        }
        return ref.name;
      default:
        throw new PrefectGitError('E_CONFIG', `unknown placeholder ${whole} in project name '${template}'`, {
          hint: 'Placeholders are {branch}, {tag}, {ref} and {ref_slug}.',
        });
    }
  });
}

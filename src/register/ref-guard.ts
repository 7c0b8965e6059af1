/**
 * The branch guard. A flow name in a project is one flow group with one live version, and every
 * registration archives the previous one (prefect1.md §8.3). When two branches register into the
 * same project, each push archives the other branch's version and runs flip between their code.
 * So a branch may only replace its own registration; tags (releases) may replace anything.
 *
 * | latest version registered from | branch B incoming          | tag incoming |
 * | --- | --- | --- |
 * | nothing, or not Git storage     | ok                         | ok           |
 * | branch B                        | ok                         | ok (release) |
 * | branch A                        | refused                    | ok (release) |
 * | tag T                           | refused (would unpin)      | ok (release) |
 * | Git without branch or tag       | ok if B is the default branch, else refused | ok |
 */
import type { StorageRef } from '../api/types.js';

/** Which ref a registered version's runs clone. */
export type RegisteredRef =
  | { kind: 'branch'; name: string }
  | { kind: 'tag'; name: string }
  /** Git storage with neither branch nor tag: runs clone the remote's default branch (§6.3). */
  | { kind: 'default-branch' }
  /** Not Git storage (Docker, Local, ...), or no storage at all: no ref to protect. */
  | { kind: 'none' };

/** Reads the ref out of a registered version's storage. */
export function registeredRefOf(storage: StorageRef | null | undefined): RegisteredRef {
  if (storage == null || storage.type !== 'Git') return { kind: 'none' };
  if (storage.tag !== null) return { kind: 'tag', name: storage.tag };
  if (storage.branchName !== null) return { kind: 'branch', name: storage.branchName };
  return { kind: 'default-branch' };
}

/** Human name of a registered ref ("branch main", "tag v1.2.0"). */
export function describeRegisteredRef(ref: RegisteredRef, defaultBranch?: string): string {
  switch (ref.kind) {
    case 'branch':
    case 'tag':
      return `${ref.kind} ${ref.name}`;
    case 'default-branch':
      return defaultBranch === undefined ? 'the default branch (no branch or tag stored)' : `the default branch ${defaultBranch} (no branch or tag stored)`;
    case 'none':
      return 'no git ref';
  }
}

/** Input of {@link checkRefChange}. */
export interface RefChangeInput {
  flowName: string;
  /** The expanded project name. */
  projectName: string;
  /** The project name as given (may hold placeholders such as `{ref_slug}`). */
  projectTemplate?: string | undefined;
  /** The ref being registered. */
  incoming: { type: 'branch' | 'tag'; name: string };
  /** Storage of the newest registered version of the flow, if any. */
  registered: StorageRef | null | undefined;
  /** The remote's default branch, when known. */
  defaultBranch?: string | undefined;
}

/** Why registering would replace another ref's version, with how to avoid it. */
export interface RefChange {
  message: string;
  hint: string;
}

const PLACEHOLDER = /\{(?:branch|tag|ref|ref_slug)\}/;

/**
 * Returns null when the registration may replace the latest version (see the module's table),
 * else the explanation and the per-branch project hint. Pure.
 */
export function checkRefChange(input: RefChangeInput): RefChange | null {
  const { incoming, flowName, projectName } = input;
  if (incoming.type === 'tag') return null;
  const registered = registeredRefOf(input.registered);
  const where = `flow ${flowName} in project ${projectName}`;
  const branch = incoming.name;
  let message: string;
  switch (registered.kind) {
    case 'none':
      return null;
    case 'branch':
      if (registered.name === branch) return null;
      message =
        `${where} was registered from branch ${registered.name}; registering ${branch} would archive ${registered.name}'s version ` +
        `and the two branches would replace each other on every push`;
      break;
    case 'tag':
      message = `${where} is pinned to tag ${registered.name}; registering branch ${branch} would replace that release with a moving branch`;
      break;
    case 'default-branch':
      if (input.defaultBranch !== undefined && input.defaultBranch === branch) return null;
      message =
        `${where} was registered for ${describeRegisteredRef(registered, input.defaultBranch)}; registering ${branch} would archive that version ` +
        `and the two would replace each other on every push`;
      break;
  }
  return { message, hint: refChangeHint(input.projectTemplate ?? projectName, projectName) };
}

function refChangeHint(template: string, projectName: string): string {
  const override = 'or pass --allow-ref-change to replace it anyway';
  if (PLACEHOLDER.test(template)) {
    // Already per-branch: two refs expand to the same name (feature/x and feature-x share a slug).
    return `"${template}" gives both refs the project ${projectName}: use a placeholder that tells them apart (e.g. {branch}), ${override}`;
  }
  return `register each branch into its own project: --project "${template}-{ref_slug}" --create-project, ${override}`;
}

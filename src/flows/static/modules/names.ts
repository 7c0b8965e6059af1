/** Top-level module names that are never looked up at the repository root. */
import { isKnownNonRepo } from '../stdlib/modules.js';

/** True for `prefect`, modelled modules and known libraries (only the script folder can shadow them). */
export function isNonRepoName(top: string): boolean {
  return top === 'prefect' || isKnownNonRepo(top);
}

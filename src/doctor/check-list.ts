import { isPrefectGitError } from '../errors.js';
import type { CheckCategory, DoctorCheck } from './types.js';

/** Collects checks; `fromError` turns a thrown PrefectGitError into a failed (or warned) line. */
export class CheckList {
  readonly checks: DoctorCheck[] = [];

  add(check: DoctorCheck): void {
    this.checks.push(check);
  }

  pass(id: string, title: string, category: CheckCategory, message: string): void {
    this.add({ id, title, status: 'pass', message, category });
  }

  skip(id: string, title: string, category: CheckCategory, message: string, hint?: string): void {
    this.add({ id, title, status: 'skip', message, category, ...(hint === undefined ? {} : { hint }) });
  }

  /**
   * Records a failure from an error. Only PrefectGitErrors are expected here; anything else is a
   * bug and is rethrown so main() reports it as one.
   */
  fromError(id: string, title: string, category: CheckCategory, error: unknown, status: 'fail' | 'warn' = 'fail'): void {
    if (!isPrefectGitError(error)) throw error;
    this.add({ id, title, status, message: error.message, hint: error.hint, code: error.code, category });
  }
}

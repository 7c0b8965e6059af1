/**
 * Where `register` appends its Markdown summary: `--summary-file FILE`, else
 * `$GITHUB_STEP_SUMMARY` (GitHub Actions shows that file on the run's page). Appended, never
 * overwritten: a job's steps share the step summary, and a user's file may gather several runs.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { isPrefectGitError } from '../errors.js';
import type { RegisterSummary } from '../report/markdown-summary.js';
import { renderRegisterSummary } from '../report/markdown-summary.js';
import type { Output } from './output.js';

/** The file to append to, or undefined: the flag wins over the environment, like every setting. */
export function summaryTarget(flag: string | undefined, env: Record<string, string | undefined>, cwd: string): string | undefined {
  const file = flag ?? (env.GITHUB_STEP_SUMMARY === '' ? undefined : env.GITHUB_STEP_SUMMARY);
  return file === undefined ? undefined : path.resolve(cwd, file);
}

/**
 * Appends the summary, redacted like everything printed. A file that cannot be written is a
 * warning: the flows are registered by then, and failing the job over its report would hide that.
 */
export async function appendSummary(output: Output, file: string, summary: RegisterSummary): Promise<void> {
  try {
    await appendFile(file, output.redacted(renderRegisterSummary(summary)), 'utf8');
    output.debug(`summary appended to ${file}`);
  } catch (error) {
    output.warn(`could not write the summary to ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The summary of a run that stopped with `error` (what is known of it by then). */
export function failedSummary(error: unknown, known: Partial<Pick<RegisterSummary, 'project' | 'ref' | 'dryRun'>>): RegisterSummary {
  const fatal = isPrefectGitError(error)
    ? { code: error.code, message: error.message, hint: error.hint }
    : { code: 'E_INTERNAL', message: `internal error: ${error instanceof Error ? error.message : String(error)}` };
  return {
    dryRun: known.dryRun ?? false,
    project: known.project ?? null,
    ref: known.ref ?? null,
    flows: [],
    loadErrors: [],
    fatal,
  };
}

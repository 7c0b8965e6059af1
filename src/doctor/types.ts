/**
 * The data of `prefect-git doctor`: one check per line, each pass / fail / warn / skip with a
 * message and, unless it passed, a hint. Plain data, so the CLI renders text or JSON.
 */
import type { PrefectApi } from '../api/types.js';
import type { LoadedSettings } from '../config/load-settings.js';
import type { PrefectConnection } from '../config/prefect-config.js';
import type { ErrorCode } from '../errors.js';
import { ExitCode } from '../errors.js';
import type { ProbedPython } from '../flows/python/interpreter.js';
import type { PreflightOptions, PreflightReport } from '../git/preflight.js';
import type { GitRepo } from '../git/repo.js';
import type { RefResolution } from '../git/types.js';

/** `warn`: worth knowing, not a failure (e.g. no Python for the optional python loader). */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** Which exit code a failure maps to (docs/errors.md): config 2, git 3, api 4, loader 6. */
export type CheckCategory = 'config' | 'git' | 'api' | 'loader';

/** The exit code of each category, from the documented table. */
export const CATEGORY_EXIT: Readonly<Record<CheckCategory, number>> = {
  config: ExitCode.Usage,
  git: ExitCode.Git,
  api: ExitCode.Api,
  loader: ExitCode.FlowLoad,
};

/** One line of the report. */
export interface DoctorCheck {
  /** Stable id for scripts: `git-repo`, `remote`, `ref`, `preflight:<check>`, `api`, ... */
  id: string;
  /** Short human name: `git repository`, `ref`, `API reachable`, ... */
  title: string;
  status: CheckStatus;
  message: string;
  /** How to fix it (failures and warnings), or why it was skipped. */
  hint?: string | undefined;
  /** The error code behind a failure, when one was raised. */
  code?: ErrorCode | undefined;
  category: CheckCategory;
}

/** The whole report; `exitCode` is 0 unless a check failed. */
export interface DoctorReport {
  ok: boolean;
  exitCode: number;
  checks: DoctorCheck[];
}

/** Settings the doctor takes from its flags (on top of env and config file). */
export interface DoctorFlags {
  tag?: string | undefined;
  branch?: string | undefined;
  apiKeyFile?: string | undefined;
}

/**
 * Everything with I/O, injected so the check logic is testable without git, Python or a server.
 * The CLI wires the real functions.
 */
export interface DoctorDeps {
  openRepo(): Promise<GitRepo>;
  /** prefect-git settings; `stopAt` is the repository root when there is one. */
  loadSettings(stopAt: string | undefined): Promise<LoadedSettings>;
  /** The ref flow runs clone: flags, then the env's rules (the deps function holds the env). */
  resolveRef(repo: GitRepo, options: { remote: string; tag: string | undefined; branch: string | undefined }): Promise<RefResolution>;
  /** Repo-relative flow files under the configured paths (for the uncommitted-changes check). */
  flowFiles(repoRoot: string, paths: string[] | undefined): Promise<string[]>;
  runPreflight(options: PreflightOptions): Promise<PreflightReport>;
  /** Loads the tree-sitter grammar and parses a line; returns what was loaded. */
  parserReady(): Promise<string>;
  findPython(options: { repoRoot: string; python: string | undefined }): Promise<ProbedPython>;
  readConnection(flags: { backend: 'server' | 'cloud' | undefined; api: string | undefined; apiKeyFile: string | undefined }): Promise<PrefectConnection>;
  createApi(connection: PrefectConnection): PrefectApi;
}

/**
 * The exit code of a report: 0 when nothing failed, else the lowest documented code among the
 * failures (configuration 2 < git 3 < API 4 < flow loading 6). Lower codes are the more basic
 * problems, which often cause the later ones, so the code names the first thing to fix.
 */
export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  const codes = checks.filter((check) => check.status === 'fail').map((check) => CATEGORY_EXIT[check.category]);
  return codes.length === 0 ? ExitCode.Ok : Math.min(...codes);
}

/**
 * One error model for the whole tool. The library throws `PrefectGitError`; only `cli/main.ts`
 * turns it into an exit code and output. Messages never carry secret values: callers pass
 * operation and variable names, and the report layer redacts whatever slips through.
 */

/** The documented exit codes (docs/errors.md). */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  Git: 3,
  Api: 4,
  Partial: 5,
  FlowLoad: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The catalogue of error codes, each with the exit code it maps to. */
export const ErrorCodes = {
  E_INTERNAL: ExitCode.Internal,
  E_USAGE: ExitCode.Usage,
  E_CONFIG: ExitCode.Usage,
  E_NOT_A_REPO: ExitCode.Git,
  E_NO_COMMITS: ExitCode.Git,
  E_NO_REMOTE: ExitCode.Git,
  E_REMOTE_URL: ExitCode.Git,
  E_REF_NAME: ExitCode.Git,
  E_DETACHED_HEAD: ExitCode.Git,
  E_TAG_NOT_FOUND: ExitCode.Git,
  E_BRANCH_NOT_FOUND: ExitCode.Git,
  E_GIT: ExitCode.Git,
  E_PREFLIGHT_UNPUSHED: ExitCode.Git,
  E_PREFLIGHT_TAG_NOT_AT_HEAD: ExitCode.Git,
  E_PREFLIGHT_ANNOTATED_TAG: ExitCode.Git,
  E_PREFLIGHT_DIRTY: ExitCode.Git,
  E_PATH_NOT_FOUND: ExitCode.Usage,
  E_FLOW_NOT_FOUND: ExitCode.FlowLoad,
  E_FLOW_LOAD: ExitCode.FlowLoad,
  E_PARSE: ExitCode.FlowLoad,
  E_UNSUPPORTED: ExitCode.FlowLoad,
  E_PREFECT: ExitCode.FlowLoad,
  E_PYTHON: ExitCode.FlowLoad,
  E_API: ExitCode.Api,
  E_API_UNREACHABLE: ExitCode.Api,
  E_API_AUTH: ExitCode.Api,
  E_API_GRAPHQL: ExitCode.Api,
  E_PROJECT_NOT_FOUND: ExitCode.Api,
  E_SCHEDULE_PARAMETERS: ExitCode.FlowLoad,
  E_PARTIAL: ExitCode.Partial,
  // Per-flow outcomes like E_PARTIAL: the other flows go on, and the command exits 5.
  E_REF_CHANGE: ExitCode.Partial,
  E_DRIFT: ExitCode.Partial,
} as const satisfies Record<string, ExitCode>;
export type ErrorCode = keyof typeof ErrorCodes;

export interface PrefectGitErrorOptions {
  /** One line that says how to fix it. */
  hint?: string | undefined;
  cause?: unknown;
  /** Extra machine-readable facts (file, line, ...), never secrets. */
  details?: Record<string, unknown> | undefined;
}

/** A failure the user can act on: a code from the catalogue, a one-line message and a hint. */
export class PrefectGitError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: PrefectGitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PrefectGitError';
    this.code = code;
    this.exitCode = ErrorCodes[code];
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** True for errors this tool raised on purpose (as opposed to bugs). */
export function isPrefectGitError(error: unknown): error is PrefectGitError {
  return error instanceof PrefectGitError;
}

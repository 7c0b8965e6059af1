/**
 * Failure policy of the API client, kept pure so it can be tested without HTTP: which failures
 * are transient, how long to wait, when a request that changes state may be sent again, and how
 * each failure is reported as a `PrefectGitError`.
 */
import { PrefectGitError } from '../errors.js';

/** What went wrong in one attempt, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: 'network'; code: string; beforeSend: boolean }
  | { kind: 'timeout' }
  | { kind: 'http'; status: number; retryAfter: string | null }
  | { kind: 'api-error' };

/** Statuses a gateway or load balancer returns when a retry may succeed. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504, 429]);

/** Connection errors that mean the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** True when the error code says the connection was never made (so nothing was processed). */
export function isNotSentCode(code: string): boolean {
  return NOT_SENT_CODES.has(code);
}

/**
 * Whether to try again. `idempotent` requests (queries, and registrations carrying an idempotency
 * key, which the server deduplicates) retry on every transient failure. A forced registration
 * (no key) may have created a version before the failure showed, and sending it again would add
 * a second one, so it retries only when the server certainly did not process it: the connection
 * was never made, or it was rate-limited (429).
 */
export function shouldRetry(failure: AttemptFailure, idempotent: boolean): boolean {
  switch (failure.kind) {
    case 'network':
      return idempotent || failure.beforeSend;
    case 'timeout':
      return idempotent;
    case 'http':
      if (!TRANSIENT_STATUSES.has(failure.status)) return false;
      return idempotent || failure.status === 429;
    case 'api-error':
      return idempotent;
  }
}

/** Backoff parameters; the defaults give 0.5 s, 1 s, 2 s, ... capped at 30 s, before jitter. */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Upper bound for a server-provided `Retry-After`, so a hostile value cannot hang a run. */
  maxRetryAfterMs?: number;
}

/**
 * Milliseconds to wait before retry number `retry` (1-based). A valid `Retry-After` wins;
 * otherwise exponential backoff with "equal jitter" (half fixed, half random), so many clients
 * retrying together spread out but never retry immediately.
 */
export function retryDelayMs(
  retry: number,
  failure: AttemptFailure,
  random: () => number,
  now: () => number,
  options: BackoffOptions = {},
): number {
  const { baseMs = 500, capMs = 30_000, maxRetryAfterMs = 300_000 } = options;
  if (failure.kind === 'http' && failure.retryAfter !== null) {
    const fromHeader = parseRetryAfter(failure.retryAfter, now());
    if (fromHeader !== null) return Math.min(fromHeader, maxRetryAfterMs);
  }
  const exp = Math.min(capMs, baseMs * 2 ** (retry - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/**
 * `Retry-After` as milliseconds from `nowMs`: either delta-seconds or an HTTP date (RFC 9110
 * §10.2.3). Null when it is neither.
 */
export function parseRetryAfter(value: string, nowMs: number): number | null {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/** A sleep that really waits (the default; tests inject an instant one). */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Failure → PrefectGitError. Messages carry the operation name, the (credential-free) URL and
// server-provided error text scrubbed of secrets; details carry variable NAMES, never values.
// ---------------------------------------------------------------------------------------------

/** What the client knows when it describes a failure. */
export interface FailureContext {
  /** The API URL without credentials. */
  url: string;
  backend: 'server' | 'cloud';
  hasKey: boolean;
  /** Removes every known secret (and its encoded forms) from text. */
  scrub: (text: string) => string;
  timeoutMs: number;
}

/** A failed attempt: what to retry on (null: never) and the error to throw if we stop. */
export interface DescribedFailure {
  ok: false;
  failure: AttemptFailure | null;
  error: PrefectGitError;
}

/** One GraphQL error as the server sent it, reduced to what we report. */
export interface ReportedGraphQLError {
  message: string;
  path?: string;
  code?: string;
}

function unreachableHint(ctx: FailureContext): string {
  return ctx.backend === 'server'
    ? 'Check that Prefect Server is running (`prefect server start`) and that the API URL points at its GraphQL endpoint (default http://localhost:4200)'
    : 'Check your network connection and the API URL (default https://api.prefect.io)';
}

function authHint(ctx: FailureContext): string {
  if (ctx.backend === 'server') {
    return 'Prefect Server needs no API key: check that the URL is the Server API, and the credentials of any proxy in front of it';
  }
  return ctx.hasKey
    ? 'The API key was rejected: create a new one (`prefect auth create-key`) and set PREFECT__CLOUD__API_KEY, or log in with `prefect auth login --key` (~/.prefect/auth.toml); check the tenant id too'
    : 'Set an API key: PREFECT__CLOUD__API_KEY, or `prefect auth login --key <key>` (~/.prefect/auth.toml)';
}

/** `input.project_id`-style names of the variables (one level deep), for error details. */
export function variableNames(variables: Record<string, unknown>): string[] {
  return Object.entries(variables).flatMap(([name, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.keys(value).map((key) => `${name}.${key}`)
      : [name],
  );
}

/** The attempt hit the per-request timeout. */
export function describeTimeout(ctx: FailureContext, operation: string): DescribedFailure {
  const error = new PrefectGitError(
    'E_API_UNREACHABLE',
    `Prefect API at ${ctx.url} did not answer ${operation} within ${ctx.timeoutMs} ms`,
    { hint: unreachableHint(ctx), details: { operation, url: ctx.url, reason: 'timeout' } },
  );
  return { ok: false, failure: { kind: 'timeout' }, error };
}

/** fetch itself failed: DNS, refused, reset, TLS... The cause keeps only a scrubbed code and message. */
export function describeNetwork(ctx: FailureContext, operation: string, thrown: unknown): DescribedFailure {
  const code = networkCode(thrown);
  const cause = new Error(ctx.scrub(`${code}: ${innermostMessage(thrown)}`));
  const error = new PrefectGitError('E_API_UNREACHABLE', `Could not reach the Prefect API at ${ctx.url} (${code}) for ${operation}`, {
    hint: unreachableHint(ctx),
    cause,
    details: { operation, url: ctx.url, reason: code },
  });
  return { ok: false, failure: { kind: 'network', code, beforeSend: isNotSentCode(code) }, error };
}

/** A 2xx answer that is not GraphQL JSON (a proxy page, a login form, garbage). */
export function describeMalformed(ctx: FailureContext, operation: string, status: number | null): DescribedFailure {
  const details = { operation, url: ctx.url, status };
  // Prefect does the same: on Cloud, a non-JSON answer to a key-less request means "log in".
  const error =
    ctx.backend === 'cloud' && !ctx.hasKey
      ? new PrefectGitError('E_API_AUTH', `Malformed response from Prefect Cloud at ${ctx.url} for ${operation}; are you authenticated?`, {
          hint: authHint(ctx),
          details,
        })
      : new PrefectGitError('E_API', `Malformed response from the Prefect API at ${ctx.url} for ${operation} (not GraphQL JSON)`, {
          hint: 'Check that the API URL points at the Prefect GraphQL API, not the UI or a proxy page',
          details,
        });
  return { ok: false, failure: null, error };
}

/** An HTTP error status and/or GraphQL `errors` in the body. */
export function describeResponseError(
  ctx: FailureContext,
  operation: string,
  variables: Record<string, unknown>,
  status: number,
  rawErrors: unknown,
  retryAfter: string | null,
): DescribedFailure {
  const errors = reportedErrors(rawErrors, ctx.scrub);
  const details: Record<string, unknown> = { operation, url: ctx.url, status, variables: variableNames(variables) };
  if (errors.length > 0) details.errors = errors;
  const isAuth = status === 401 || status === 403 || errors.some((e) => /UNAUTHENTICATED|FORBIDDEN|Malformed Authorization header/i.test(`${e.code ?? ''} ${e.message}`));
  if (isAuth) {
    const error = new PrefectGitError('E_API_AUTH', `Prefect API at ${ctx.url} refused ${operation}: not authorized (HTTP ${status})`, {
      hint: authHint(ctx),
      details,
    });
    return { ok: false, failure: null, error };
  }
  const httpFailure: AttemptFailure = { kind: 'http', status, retryAfter };
  if (errors.length > 0) {
    const first = errors[0]!;
    const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    const where = first.path === undefined ? '' : ` at ${first.path}`;
    const error = new PrefectGitError('E_API_GRAPHQL', `${operation} failed${where}: ${first.message}${more}`, {
      hint: status === 400 ? 'The server rejected the request document; this is a prefect-git bug or an incompatible server version' : undefined,
      details,
    });
    const apiError = status < 300 && errors.some((e) => e.code === 'API_ERROR');
    // A rate limiter's 429 often carries a GraphQL-shaped body; it is still a 429 to wait out.
    const transient = status >= 500 || status === 429;
    return { ok: false, failure: transient ? httpFailure : apiError ? { kind: 'api-error' } : null, error };
  }
  if (status === 429 || status === 502 || status === 503 || status === 504) {
    const error = new PrefectGitError('E_API_UNREACHABLE', `Prefect API at ${ctx.url} answered HTTP ${status} to ${operation}`, {
      hint: unreachableHint(ctx),
      details,
    });
    return { ok: false, failure: httpFailure, error };
  }
  const error = new PrefectGitError('E_API', `Prefect API at ${ctx.url} answered HTTP ${status} to ${operation}`, {
    hint: status === 413 ? 'The flow is larger than the gateway accepts (Prefect Server: APOLLO_API_BODY_LIMIT, default 5mb)' : undefined,
    details,
  });
  return { ok: false, failure: status >= 500 ? httpFailure : null, error };
}

function reportedErrors(raw: unknown, scrub: (text: string) => string): ReportedGraphQLError[] {
  const items = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? [raw] : [];
  return items.map((item: unknown) => {
    const e = (item ?? {}) as { message?: unknown; path?: unknown; extensions?: { code?: unknown } };
    const out: ReportedGraphQLError = { message: scrub(typeof e.message === 'string' ? e.message : 'unknown error') };
    if (Array.isArray(e.path)) out.path = e.path.map(String).join('.');
    if (typeof e.extensions?.code === 'string') out.code = e.extensions.code;
    return out;
  });
}

function networkCode(thrown: unknown): string {
  for (let e: unknown = thrown, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return 'network error';
}

function innermostMessage(thrown: unknown): string {
  let message = thrown instanceof Error ? thrown.message : String(thrown);
  for (let e: unknown = thrown, depth = 0; e instanceof Error && depth < 5; depth++) {
    message = e.message;
    e = e.cause;
  }
  return message;
}

/** Short label of a failure for `onRequest`. */
export function failureLabel(failure: AttemptFailure | null): string {
  if (failure === null) return 'error';
  switch (failure.kind) {
    case 'network':
      return failure.code;
    case 'timeout':
      return 'timeout';
    case 'http':
      return `http-${failure.status}`;
    case 'api-error':
      return 'API_ERROR';
  }
}

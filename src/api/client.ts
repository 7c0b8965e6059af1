/**
 * The Prefect 1.x GraphQL client: the only module that imports graphql-request and the only one
 * that does HTTP. It adds Prefect's headers, retries transient failures, and turns every failure
 * into a `PrefectGitError` that names the operation and variable names, never values or secrets.
 * The API methods themselves live in `prefect-api.ts` and send through the transport built here.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { PrefectGitError } from '../errors.js';
import { resolveConnection } from './connection.js';
import { operationName } from './operations.js';
import { buildPrefectApi, type Transport } from './prefect-api.js';
import {
  type DescribedFailure,
  type FailureContext,
  describeMalformed,
  describeNetwork,
  describeResponseError,
  describeTimeout,
  failureLabel,
  realSleep,
  retryDelayMs,
  shouldRetry,
} from './retry.js';
import { isRecord, unexpected } from './rows.js';
import type { PrefectApi, PrefectApiOptions } from './types.js';

type Variables = Record<string, unknown>;
type Attempt<T> = { ok: true; data: T; status: number | null } | DescribedFailure;

/**
 * Builds the API client. Nothing is sent until a method is called.
 *
 * @throws PrefectGitError E_CONFIG when `url` is not an http(s) URL.
 */
export function createPrefectApi(options: PrefectApiOptions): PrefectApi {
  return buildPrefectApi(options, createTransport(options));
}

function createTransport(options: PrefectApiOptions): Transport {
  const { url, displayUrl: shown, headers, hasKey, scrub } = resolveConnection(options);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.retries ?? 5;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const ctx: FailureContext = { url: shown, backend: options.backend, hasKey, scrub, timeoutMs };

  async function attemptOnce<T>(document: string, variables: Variables, operation: string): Promise<Attempt<T>> {
    let status: number | null = null;
    let retryAfter: string | null = null;
    let fetchError: unknown;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const recordingFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetchImpl(input, init);
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        return response;
      } catch (error) {
        fetchError = error;
        throw error;
      }
    };
    const client = new GraphQLClient(url, { fetch: recordingFetch, headers });
    try {
      const data = await client.request<T>({ document, variables, signal: controller.signal });
      return { ok: true, data, status };
    } catch (error) {
      if (controller.signal.aborted) return describeTimeout(ctx, operation);
      if (fetchError !== undefined) return describeNetwork(ctx, operation, fetchError);
      if (error instanceof ClientError) {
        // Only status and `errors` are read: the ClientError's own message embeds the whole request.
        return describeResponseError(ctx, operation, variables, error.response.status, error.response.errors, retryAfter);
      }
      return describeMalformed(ctx, operation, status);
    } finally {
      clearTimeout(timer);
    }
  }

  async function send<T>(document: string, variables: Variables, idempotent: boolean): Promise<T> {
    const operation = operationName(document);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const outcome = await attemptOnce<T>(document, variables, operation);
      const ms = Math.round(performance.now() - started);
      if (outcome.ok) {
        options.onRequest?.({ operation, attempt, status: outcome.status, ms, willRetry: false });
        if (!isRecord(outcome.data)) throw unexpected(`data of ${operation}`);
        return outcome.data;
      }
      const { failure } = outcome;
      const willRetry = failure !== null && attempt <= retries && shouldRetry(failure, idempotent);
      const status = typeof outcome.error.details?.status === 'number' ? outcome.error.details.status : null;
      options.onRequest?.({ operation, attempt, status, ms, failure: failureLabel(failure), willRetry });
      if (!willRetry) throw attempt > 1 ? withAttempts(outcome.error, attempt) : outcome.error;
      await sleep(retryDelayMs(attempt, failure, random, now));
    }
  }

  return { displayUrl: shown, send };
}

function withAttempts(error: PrefectGitError, attempts: number): PrefectGitError {
  return new PrefectGitError(error.code, `${error.message} (after ${attempts} attempts)`, {
    hint: error.hint,
    cause: error.cause,
    details: { ...error.details, attempts },
  });
}

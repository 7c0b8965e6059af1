import { describe, expect, it } from 'vitest';
import { type AttemptFailure, parseRetryAfter, retryDelayMs, shouldRetry, variableNames } from '../../src/api/retry.js';

const http = (status: number, retryAfter: string | null = null): AttemptFailure => ({ kind: 'http', status, retryAfter });
const net = (code: string, beforeSend: boolean): AttemptFailure => ({ kind: 'network', code, beforeSend });

describe('shouldRetry', () => {
  it.each<[string, AttemptFailure, boolean, boolean]>([
    ['503, query', http(503), true, true],
    ['500, query', http(500), true, true],
    ['429, query', http(429), true, true],
    ['400, query', http(400), true, false],
    ['401, query', http(401), true, false],
    ['404, query', http(404), true, false],
    ['reset, query', net('ECONNRESET', false), true, true],
    ['timeout, query', { kind: 'timeout' }, true, true],
    ['API_ERROR, query', { kind: 'api-error' }, true, true],
    ['503, forced create', http(503), false, false],
    ['502, forced create', http(502), false, false],
    ['429, forced create', http(429), false, true],
    ['reset, forced create', net('ECONNRESET', false), false, false],
    ['refused, forced create', net('ECONNREFUSED', true), false, true],
    ['timeout, forced create', { kind: 'timeout' }, false, false],
    ['API_ERROR, forced create', { kind: 'api-error' }, false, false],
  ])('%s', (_name, failure, idempotent, expected) => {
    expect(shouldRetry(failure, idempotent)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  const now = (): number => Date.parse('2024-01-01T00:00:00Z');
  it('grows exponentially with jitter and a cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, http(503), () => 0, now))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, http(503), () => 0.999, now))).toEqual([500, 1000, 1999, 3998]);
    expect(retryDelayMs(20, http(503), () => 1, now)).toBe(30_000);
  });
  it('prefers Retry-After (seconds or date), capped', () => {
    expect(retryDelayMs(1, http(429, '12'), () => 0, now)).toBe(12_000);
    expect(retryDelayMs(1, http(429, 'Mon, 01 Jan 2024 00:00:05 GMT'), () => 0, now)).toBe(5_000);
    expect(retryDelayMs(1, http(429, '999999'), () => 0, now)).toBe(300_000);
    expect(retryDelayMs(1, http(429, 'soon'), () => 0, now)).toBe(250);
  });
  it('parses Retry-After', () => {
    expect(parseRetryAfter(' 3 ', 0)).toBe(3000);
    expect(parseRetryAfter('-1', 0)).toBeNull();
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:00 GMT', Date.parse('2024-01-02T00:00:00Z'))).toBe(0);
  });
});

it('variableNames lists names one level deep, never values', () => {
  expect(variableNames({ input: { project_id: 'x', serialized_flow: 'y' }, names: ['a'], name: 'n' })).toEqual(['input.project_id', 'input.serialized_flow', 'names', 'name']);
});

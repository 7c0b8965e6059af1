/**
 * `register` through the real CLI against a faulty fake Prefect Server: transient failures are
 * retried without duplicating a version, a dead or silent API ends with exit 4 in bounded time,
 * and a server that dies mid-run leaves a summary that matches what the server holds (exit 5).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fault, FakeServer } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import type { TestRepo } from '../git/helpers.js';
import { cleanupRepos } from '../git/helpers.js';
import { cli, generatedRepo, instantTransport, prng, serverEnv } from './helpers.js';

interface RegisterJson {
  flows: Array<{ name: string; status: string; version: number | null; error: { code: string; message: string } | null }>;
  summary: { registered: number; skipped: number; failed: number };
}

let repo: TestRepo;
beforeAll(() => {
  repo = generatedRepo(200);
});
afterAll(() => cleanupRepos());

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
});

const BASE = ['register', '--json', '--project', 'data', '--create-project', '--concurrency', '8'];

/** Every flow name in the fake's state exactly once, as version 1. */
function expectRegisteredOnce(fake: FakeServer, names: readonly string[]): void {
  const versions = new Map<string, number[]>();
  for (const flow of fake.state.flows) versions.set(flow.name, [...(versions.get(flow.name) ?? []), flow.version]);
  expect([...versions.keys()].sort()).toEqual([...names].sort());
  const duplicated = [...versions].filter(([, list]) => list.length !== 1 || list[0] !== 1);
  expect(duplicated).toEqual([]);
  expect(fake.state.projects).toHaveLength(1);
}

describe('register under transient faults', () => {
  it('10% of requests fail (503, dropped before or after processing, 429), some answers come after the timeout: 200 flows registered once', async () => {
    const random = prng(2024);
    const faults: Fault[] = ['503', 'drop', 'drop-after', '429'];
    const fake = await startFakeServer({ retryAfter: '2', faults: () => (random() < 0.1 ? faults[Math.floor(random() * faults.length)] : undefined) });
    servers.push(fake);
    // Latency spikes: 2% of answers arrive after the per-attempt timeout (the server has acted).
    // The timeout leaves room for a loaded CI machine; only the spikes may exceed it.
    const sleeps = instantTransport(600);
    const spiky = prng(99);
    let spikes = 0;
    sleeps.transport.fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (response.ok && spiky() < 0.02) {
        spikes += 1;
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 900);
          init?.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }
      return response;
    };
    const run = await cli(BASE, { cwd: repo.dir, env: serverEnv(fake.url), transport: sleeps.transport });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as RegisterJson;
    expect(doc.summary).toEqual({ registered: 200, skipped: 0, failed: 0 });
    expectRegisteredOnce(fake, doc.flows.map((flow) => flow.name));
    // The faults did happen, and 429's Retry-After was honoured (2 s) rather than the backoff.
    const faulted = fake.requests.filter((r) => r.fault !== undefined);
    expect(faulted.length).toBeGreaterThan(10);
    expect(new Set(faulted.map((r) => r.fault))).toEqual(new Set(faults));
    expect(sleeps.waits.filter((ms) => ms === 2000).length).toBe(faulted.filter((r) => r.fault === '429').length);
    expect(spikes).toBeGreaterThan(2);
    expect(fake.invalid).toEqual([]);
  });
});

describe('register when the API is not there', () => {
  it('connection refused: exit 4 with E_API_UNREACHABLE after a bounded number of retries', async () => {
    const port = await closedPort();
    const sleeps = instantTransport();
    const run = await cli(['register', '--project', 'data'], { cwd: repo.dir, env: serverEnv(`http://127.0.0.1:${port}`), transport: sleeps.transport });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`error Could not reach the Prefect API at http://127.0.0.1:${port}/ (ECONNREFUSED) for PrefectGitFindProject (after 6 attempts)`);
    expect(run.stderr).toMatch(/hint {2}Check that Prefect Server is running/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // 5 retries with backoff: the real run gives up within 15.5 s of sleeping (0.5+1+2+4+8).
    expect(sleeps.waits).toHaveLength(5);
    expect(sleeps.waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(15_500);
  });

  it('a server that accepts but never answers: exit 4 within the per-attempt timeout × attempts', async () => {
    const fake = await startFakeServer({ faults: () => 'hang' });
    servers.push(fake);
    const sleeps = instantTransport(100);
    const run = await cli(['register', '--json', '--project', 'data'], { cwd: repo.dir, env: serverEnv(fake.url), transport: sleeps.transport });
    expect(run.code).toBe(4);
    const doc = JSON.parse(run.stdout) as { error: { code: string; message: string; attempts: number } };
    expect(doc.error).toMatchObject({ code: 'E_API_UNREACHABLE', attempts: 6 });
    expect(doc.error.message).toMatch(/did not answer PrefectGitFindProject within 100 ms \(after 6 attempts\)/);
    expect(fake.requests).toHaveLength(6);
  });
});

describe('register when the server dies mid-run', () => {
  it('the summary says which flows are registered and which are not, exit 5', async () => {
    let creates = 0;
    let fake: FakeServer | undefined = undefined;
    fake = await startFakeServer({
      faults: (req) => {
        if (req.operationName !== 'PrefectGitCreateFlow' || ++creates !== 60) return undefined;
        // Dies: this request is lost and nothing listens any more.
        void fake?.close();
        return 'drop';
      },
    });
    servers.push(fake);
    const sleeps = instantTransport();
    const run = await cli([...BASE.filter((a) => a !== '--create-project'), '--create-project', '--concurrency', '4'], { cwd: repo.dir, env: serverEnv(fake.url), transport: sleeps.transport });
    expect(run.code, run.stderr).toBe(5);
    const doc = JSON.parse(run.stdout) as RegisterJson;
    const inState = new Set(fake.state.flows.map((flow) => flow.name));
    const registered = doc.flows.filter((flow) => flow.status === 'registered').map((flow) => flow.name);
    const failed = doc.flows.filter((flow) => flow.status === 'failed');
    expect(registered.length).toBeGreaterThanOrEqual(50);
    expect(failed.length).toBeGreaterThan(100);
    expect(registered.length + failed.length).toBe(200);
    // Every flow reported registered is on the server; every flow not on the server is reported failed.
    expect(registered.filter((name) => !inState.has(name))).toEqual([]);
    expect(doc.flows.filter((flow) => !inState.has(flow.name) && flow.status !== 'failed')).toEqual([]);
    // At most the requests in flight when it died can have been processed with their answer lost.
    expect(failed.filter((flow) => inState.has(flow.name)).length).toBeLessThan(4);
    expect(failed.every((flow) => flow.error?.code === 'E_API_UNREACHABLE')).toBe(true);
    expect(doc.summary).toEqual({ registered: registered.length, skipped: 0, failed: failed.length });
    expect(run.stderr).toContain(`${registered.length} registered, 0 skipped, ${failed.length} failed`);
    expect(run.stderr).toMatch(/✗ failed {6}\S+ +not sent: Could not reach the Prefect API/);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

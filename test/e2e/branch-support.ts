/** Shared setup of the branch-workflow e2e tests: fake servers closed after each test, CLI env, JSON shapes. */
import { afterEach } from 'vitest';
import type { FakeServer, FakeServerOptions } from '../support/fake-server/index.js';
import { startFakeServer } from '../support/fake-server/index.js';
import { cleanupRepos } from '../git/helpers.js';

const servers: FakeServer[] = [];

/** Registers the afterEach that removes temp repos and closes (and checks) every fake server. */
export function useCleanup(): void {
  afterEach(async () => {
    cleanupRepos();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
}

/** A fake Prefect Server closed after the test (close() fails the test on any invalid request). */
export async function fakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const started = await startFakeServer(options);
  servers.push(started);
  return started;
}

/** The env that points the CLI at the fake server. */
export const serverEnv = (fake: FakeServer, extra: Record<string, string> = {}): Record<string, string> => ({
  PREFECT__BACKEND: 'server',
  PREFECT__SERVER__ENDPOINT: fake.url,
  ...extra,
});

/** `register --json` output. */
export interface RegisterJson {
  project: { name: string; id: string };
  flows: Array<{ name: string; flow_path: string; status: string; version: number | null; code_url?: string | null; error: { code: string; message: string; hint?: string } | null }>;
  summary: { registered: number; skipped: number; failed: number };
  schedule: { mode: string; explicit: boolean; message: string };
}

/** The create-flow mutations the fake received. */
export const creates = (fake: FakeServer): number => fake.mutations().filter((m) => m.operationName === 'PrefectGitCreateFlow').length;

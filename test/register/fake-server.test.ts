/**
 * The fake server itself: the register tests are only as good as its fidelity to Prefect Server
 * (prefect1.md §8.2/§8.3) and its strictness about what it accepts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CREATE_FLOW_FROM_COMPRESSED_STRING, LATEST_FLOW_VERSIONS } from '../../src/api/operations.js';
import { compressFlow } from '../../src/prefect/payload.js';
import type { PyObject } from '../../src/prefect/py-value.js';
import { type FakeServer, addProject, startFakeServer } from '../support/fake-server/index.js';
import { makeFlow } from './helpers.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: string[] }> };
}

async function post(s: FakeServer, query: string, variables: unknown = {}): Promise<Answer> {
  const response = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function create(s: FakeServer, projectId: string, flow: PyObject, key: string | null, extra: Record<string, unknown> = {}): Promise<Answer> {
  const input = { project_id: projectId, serialized_flow: compressFlow(flow), set_schedule_active: true, ...(key === null ? {} : { idempotency_key: key }), ...extra };
  return post(s, CREATE_FLOW_FROM_COMPRESSED_STRING, { input });
}

const idOf = (a: Answer): string => (a.body.data?.create_flow_from_compressed_string as { id: string }).id;

describe('fake Prefect Server', () => {
  it('answers an invalid document with 400, and close() then fails the test', async () => {
    const s = await startFakeServer();
    const answer = await post(s, 'query Bad { flow(where: { nme: { _eq: "x" } }) { id } }');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/nme/);
    await expect(s.close()).rejects.toThrow(/invalid requests/);
  });

  it('rejects root fields it does not implement, and filters it does not know', async () => {
    const s = await startFakeServer();
    expect((await post(s, 'query Q { agent { id } }')).status).toBe(400);
    await expect(s.close()).rejects.toThrow(/does not implement agent/);
    server = await startFakeServer();
    const answer = await post(server, 'query Q { flow(where: { core_version: { _eq: "1" } }) { id } }');
    expect(answer.body.errors?.[0]?.message).toMatch(/unsupported filter flow.core_version/);
  });

  it('enforces the gateway depth limit of 7', async () => {
    const s = await startFakeServer();
    const deep = 'query D { flow { project { flows { project { flows { project { flows { project { id } } } } } } } } }';
    expect((await post(s, deep)).status).toBe(400);
    await expect(s.close()).rejects.toThrow(/maximum operation depth/);
  });

  it('accepts `variables` as a JSON string, as Prefect 1.4.1 sends them', async () => {
    server = await startFakeServer();
    const body = JSON.stringify({ query: 'query Q($name: String!) { project(where: { name: { _eq: $name } }) { id } }', variables: JSON.stringify({ name: 'x' }) });
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await response.json()).toEqual({ data: { project: [] } });
  });

  it('implements §8.3: idempotent return, new versions, forced key clearing, archiving', async () => {
    server = await startFakeServer();
    const project = addProject(server.state, 'p');
    const v1 = makeFlow('f');
    const first = idOf(await create(server, project.id, v1.serialized, 'k1'));
    expect(idOf(await create(server, project.id, v1.serialized, 'k1'))).toBe(first);
    const second = idOf(await create(server, project.id, v1.serialized, 'k2'));
    const forced = idOf(await create(server, project.id, v1.serialized, null));
    const afterForce = idOf(await create(server, project.id, v1.serialized, 'k2'));
    expect(new Set([first, second, forced, afterForce]).size).toBe(4);
    expect(server.state.flows.map((f) => [f.version, f.archived])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
    expect(server.state.flowGroups).toHaveLength(1);
    // Keys match but every version is archived: the server makes a new one.
    server.state.flows.forEach((f) => (f.archived = true));
    expect(idOf(await create(server, project.id, v1.serialized, 'k2'))).not.toBe(afterForce);
  });

  it('the batched lookup gives the newest version per name with the stored key', async () => {
    server = await startFakeServer();
    const project = addProject(server.state, 'p');
    await create(server, project.id, makeFlow('a').serialized, 'ka1');
    await create(server, project.id, makeFlow('a', { label: 'x' }).serialized, 'ka2');
    await create(server, project.id, makeFlow('b').serialized, null);
    const answer = await post(server, LATEST_FLOW_VERSIONS, { projectId: project.id, names: ['a', 'b', 'zzz'] });
    const rows = answer.body.data?.flow as Array<{ name: string; version: number; flow_group: { settings: { idempotency_key: string | null } } }>;
    expect(rows.map((r) => [r.name, r.version, r.flow_group.settings.idempotency_key])).toEqual([
      ['a', 2, 'ka2'],
      ['b', 1, null],
    ]);
  });

  it('reports the server errors of §8.1/§8.2 with a path', async () => {
    server = await startFakeServer();
    const project = addProject(server.state, 'p');
    const flow = makeFlow('f').serialized;
    const cases: Array<[Promise<Answer>, RegExp]> = [
      [post(server, CREATE_FLOW_FROM_COMPRESSED_STRING, { input: { project_id: project.id, serialized_flow: 'not gzip' } }), /Unable to decompress serialized flow/],
      [create(server, '33333333-3333-4333-8333-333333333333', flow, 'k'), /^Invalid project\.$/],
      [create(server, project.id, { ...flow, __version__: '0.5.0' }, 'k'), /built with Prefect 0\.5\.0/],
      [create(server, project.id, makeFlow('g', { breakSlug: true }).serialized, 'k'), /tasks -> 0 -> slug\n {2}field required/],
      [create(server, project.id, { ...flow, edges: [{ upstream_task: { slug: 'nope' }, downstream_task: { slug: 'load-1' }, mapped: false, key: null }] }, 'k'), /internal API error/],
    ];
    for (const [pending, message] of cases) {
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]?.message).toMatch(message);
      expect(answer.body.errors?.[0]?.path).toEqual(['create_flow_from_compressed_string']);
    }
    expect(server.state.flows).toHaveLength(0);
  });

  it('injects faults: 429 with Retry-After, 503, dropped connections', async () => {
    const faults = ['429', '503', 'drop'] as const;
    server = await startFakeServer({ faults: (req) => faults[req.index - 1], retryAfter: '3' });
    const q = 'query Q { tenant { id } }';
    const r429 = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });
    expect([r429.status, r429.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await post(server, q)).status).toBe(503);
    await expect(post(server, q)).rejects.toThrow();
    expect((await post(server, q)).status).toBe(200);
  });
});

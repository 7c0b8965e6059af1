import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPrefectApi } from '../../src/api/client.js';
import type { PrefectApiOptions, RequestInfo } from '../../src/api/types.js';
import { PrefectGitError } from '../../src/errors.js';

const BASE = 'http://prefect.test:4200';
const PROJECT_ID = '11111111-1111-4111-8111-111111111111';
const TENANT_ID = '22222222-2222-4222-8222-222222222222';
const projectAnswer = { data: { project: [{ id: PROJECT_ID, name: 'p', tenant_id: TENANT_ID }], tenant: [{ id: TENANT_ID, slug: 'default' }] } };

let sleeps: number[] = [];
let infos: RequestInfo[] = [];

function api(options: Partial<PrefectApiOptions> = {}): ReturnType<typeof createPrefectApi> {
  return createPrefectApi({
    url: BASE,
    backend: 'server',
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    onRequest: (info) => infos.push(info),
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<PrefectGitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrefectGitError);
  return error as PrefectGitError;
}

interface Body {
  operationName?: string;
  query: string;
  variables: Record<string, unknown>;
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  sleeps = [];
  infos = [];
  expect(pending).toEqual([]);
});

describe('request shape', () => {
  it('posts JSON to the URL exactly as given, Server without Authorization', async () => {
    let seen: Body | undefined;
    nock(BASE, { badheaders: ['authorization', 'x-prefect-tenant-id'] })
      .matchHeader('content-type', /application\/json/)
      .matchHeader('x-prefect-core-version', '1.4.1')
      .post('/', (body: Body) => {
        seen = body;
        return true;
      })
      .reply(200, projectAnswer);
    const result = await api().findProject('p');
    expect(result.project).toEqual({ id: PROJECT_ID, name: 'p', tenantId: TENANT_ID });
    expect(result.tenants).toEqual([{ id: TENANT_ID, slug: 'default' }]);
    expect(seen?.operationName).toBe('PrefectGitFindProject');
    expect(seen?.variables).toEqual({ name: 'p' });
    expect(seen?.query).not.toContain('"p"'); // values travel as variables
  });

  it('keeps a path in the URL and adds none', async () => {
    nock(BASE).post('/graphql').reply(200, projectAnswer);
    await api({ url: `${BASE}/graphql` }).findProject('p');
  });

  it('Cloud sends the Bearer key and the tenant header', async () => {
    nock(BASE)
      .matchHeader('authorization', 'Bearer pnu_key')
      .matchHeader('x-prefect-tenant-id', TENANT_ID)
      .post('/')
      .reply(200, projectAnswer);
    await api({ backend: 'cloud', apiKey: 'pnu_key', tenantId: TENANT_ID }).findProject('p');
  });

  it('sends the tenant header only together with an API key', async () => {
    nock(BASE, { badheaders: ['x-prefect-tenant-id', 'authorization'] }).post('/').reply(200, projectAnswer);
    await api({ backend: 'cloud', tenantId: TENANT_ID }).findProject('p');
  });

  it('turns credentials in the URL into a Basic header (fetch refuses them in URLs)', async () => {
    nock(BASE).matchHeader('authorization', `Basic ${Buffer.from('u:p w').toString('base64')}`).post('/').reply(200, projectAnswer);
    const client = api({ url: 'http://u:p%20w@prefect.test:4200' });
    expect(client.displayUrl).toBe(`${BASE}/`);
    await client.findProject('p');
  });

  it('rejects a URL that is not http(s) with E_CONFIG', () => {
    expect(() => api({ url: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }) as Error);
    expect(() => api({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }) as Error);
  });
});

describe('retries', () => {
  it('retries 503 and 502 with growing, jittered backoff', async () => {
    nock(BASE).post('/').reply(503, 'busy').post('/').reply(502, 'bad gateway').post('/').reply(200, projectAnswer);
    await api().findProject('p');
    expect(sleeps).toEqual([375, 750]); // 500·2^(n-1), half fixed + half · random(0.5)
    expect(infos.map((i) => [i.operation, i.attempt, i.status, i.willRetry])).toEqual([
      ['PrefectGitFindProject', 1, 503, true],
      ['PrefectGitFindProject', 2, 502, true],
      ['PrefectGitFindProject', 3, 200, false],
    ]);
  });

  it('honours Retry-After on 429', async () => {
    nock(BASE).post('/').reply(429, 'slow down', { 'Retry-After': '7' }).post('/').reply(200, projectAnswer);
    await api().findProject('p');
    expect(sleeps).toEqual([7000]);
  });

  it('retries a connection reset', async () => {
    nock(BASE).post('/').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }).post('/').reply(200, projectAnswer);
    await api().findProject('p');
    expect(infos.map((i) => i.failure)).toEqual(['ECONNRESET', undefined]);
  });

  it('does not retry a 400 and reports the validation message', async () => {
    nock(BASE)
      .post('/')
      .reply(400, { errors: [{ message: 'Cannot query field "nope" on type "flow".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    const error = await failure(api().findProject('p'));
    expect(error.code).toBe('E_API_GRAPHQL');
    expect(error.message).toContain('Cannot query field "nope"');
    expect(infos).toHaveLength(1);
  });

  it('gives up after `retries` and names the URL without credentials', async () => {
    const scope = nock(BASE).post('/').times(3).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const error = await failure(api({ url: 'http://me:pw@prefect.test:4200/', retries: 2 }).findProject('p'));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe('E_API_UNREACHABLE');
    expect(error.message).toContain(`${BASE}/`);
    expect(error.message).toContain('after 3 attempts');
    expect(error.message).not.toContain('pw');
    expect(error.hint).toContain('prefect server start');
  });

  it('times out each attempt with an AbortSignal', async () => {
    nock(BASE).post('/').times(2).delay(300).reply(200, projectAnswer);
    const error = await failure(api({ timeoutMs: 20, retries: 1 }).findProject('p'));
    expect(error.code).toBe('E_API_UNREACHABLE');
    expect(error.message).toMatch(/did not answer PrefectGitFindProject within 20 ms \(after 2 attempts\)/);
  });

  it('retries a keyed registration on 503 (the server deduplicates by key)', async () => {
    nock(BASE)
      .post('/')
      .reply(503)
      .post('/', (b: Body) => (b.variables.input as Record<string, unknown>).idempotency_key === 'k')
      .reply(200, { data: { create_flow_from_compressed_string: { id: 'f1' } } });
    await expect(api().createFlowFromCompressedString({ projectId: PROJECT_ID, serializedFlow: 'x', setScheduleActive: true, idempotencyKey: 'k' })).resolves.toBe('f1');
  });

  it('does not resend a forced registration after a failure that may have created a version', async () => {
    nock(BASE).post('/').reply(503);
    const input = { projectId: PROJECT_ID, serializedFlow: 'x', setScheduleActive: false };
    expect((await failure(api().createFlowFromCompressedString(input))).code).toBe('E_API_UNREACHABLE');
    nock(BASE).post('/').replyWithError({ code: 'ECONNRESET', message: 'reset' });
    expect((await failure(api().createFlowFromCompressedString(input))).code).toBe('E_API_UNREACHABLE');
    // ... but does when the server certainly never processed it.
    nock(BASE)
      .post('/')
      .replyWithError({ code: 'ECONNREFUSED', message: 'refused' })
      .post('/')
      .reply(429)
      .post('/', (b: Body) => !('idempotency_key' in (b.variables.input as object)))
      .reply(200, { data: { create_flow_from_compressed_string: { id: 'f2' } } });
    await expect(api().createFlowFromCompressedString(input)).resolves.toBe('f2');
  });
});

describe('errors', () => {
  it('401 → E_API_AUTH with a hint about the API key', async () => {
    nock(BASE).post('/').reply(401, 'Unauthorized');
    const error = await failure(api({ backend: 'cloud', apiKey: 'k-123' }).findProject('p'));
    expect(error.code).toBe('E_API_AUTH');
    expect(error.hint).toMatch(/PREFECT__CLOUD__API_KEY|auth\.toml/);
    expect(infos).toHaveLength(1);
  });

  it('UNAUTHENTICATED in GraphQL errors → E_API_AUTH', async () => {
    nock(BASE).post('/').reply(200, { data: null, errors: [{ message: 'Unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((await failure(api({ backend: 'cloud' }).findProject('p'))).code).toBe('E_API_AUTH');
  });

  it('GraphQL resolver errors keep message and path', async () => {
    nock(BASE)
      .post('/')
      .reply(200, {
        data: { create_flow_from_compressed_string: null },
        errors: [{ message: 'Invalid project.', path: ['create_flow_from_compressed_string'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
    const error = await failure(api().createFlowFromCompressedString({ projectId: PROJECT_ID, serializedFlow: 'x', setScheduleActive: true, idempotencyKey: 'k' }));
    expect(error.code).toBe('E_API_GRAPHQL');
    expect(error.message).toBe('PrefectGitCreateFlow failed at create_flow_from_compressed_string: Invalid project.');
    expect(error.details).toMatchObject({
      operation: 'PrefectGitCreateFlow',
      variables: ['input.project_id', 'input.serialized_flow', 'input.set_schedule_active', 'input.idempotency_key'],
      errors: [{ message: 'Invalid project.', path: 'create_flow_from_compressed_string', code: 'INTERNAL_SERVER_ERROR' }],
    });
    expect(infos).toHaveLength(1);
  });

  it('malformed JSON → E_API, not retried', async () => {
    nock(BASE).post('/').reply(200, '<html>login</html>', { 'Content-Type': 'text/html' });
    const error = await failure(api().findProject('p'));
    expect(error.code).toBe('E_API');
    expect(error.message).toMatch(/Malformed response/);
    nock(BASE).post('/').reply(200, '{"data": ', { 'Content-Type': 'application/json' });
    expect((await failure(api().findProject('p'))).code).toBe('E_API');
    expect(infos).toHaveLength(2);
  });

  it('a response of the wrong shape → E_API', async () => {
    nock(BASE).post('/').reply(200, { data: { project: 'nope', tenant: [] } });
    expect((await failure(api().findProject('p'))).code).toBe('E_API');
  });
});

describe('operations', () => {
  it('looks up all flow versions in ONE request and reads the stored idempotency key and flow group description', async () => {
    let variables: Record<string, unknown> | undefined;
    let query = '';
    nock(BASE)
      .post('/', (b: Body) => {
        variables = b.variables;
        query = b.query;
        return b.operationName === 'PrefectGitLatestFlowVersions';
      })
      .reply(200, {
        data: {
          flow: [
            {
              id: 'a2',
              name: 'a',
              version: 2,
              archived: false,
              flow_group_id: 'ga',
              is_schedule_active: true,
              storage: { type: 'Git', branch_name: 'main', tag: null, repo: 'acme/flows', repo_host: 'github.com', flow_path: 'a.py' },
              flow_group: { id: 'ga', settings: { idempotency_key: 'ka' }, description: 'Owned by the data team' },
            },
            { id: 'b1', name: 'b', version: 1, archived: false, flow_group_id: 'gb', flow_group: { id: 'gb', settings: { idempotency_key: null }, description: null } },
          ],
        },
      });
    const client = api();
    const versions = await client.latestFlowVersions(PROJECT_ID, ['a', 'b', 'c', 'a']);
    expect(variables).toEqual({ projectId: PROJECT_ID, names: ['a', 'b', 'c'] });
    expect(query).toMatch(/flow_group \{\s*id\s+settings\s+description\s*\}/);
    expect(versions.get('a')).toEqual({
      id: 'a2',
      name: 'a',
      version: 2,
      archived: false,
      flowGroupId: 'ga',
      idempotencyKey: 'ka',
      scheduleActive: true,
      storage: { type: 'Git', branchName: 'main', tag: null, repo: 'acme/flows', repoHost: 'github.com' },
      flowGroupDescription: 'Owned by the data team',
    });
    expect(versions.get('b')).toMatchObject({ idempotencyKey: null, storage: null, scheduleActive: false, flowGroupDescription: null });
    expect(versions.has('c')).toBe(false);
    expect(await client.latestFlowVersions(PROJECT_ID, [])).toEqual(new Map());
    expect(infos).toHaveLength(1);
  });

  it('creates a project in the first Server tenant, and reuses it on "Uniqueness violation."', async () => {
    let input: unknown;
    nock(BASE)
      .post('/', (b: Body) => b.operationName === 'PrefectGitTenants')
      .reply(200, { data: { tenant: [{ id: TENANT_ID, slug: 'default' }] } })
      .post('/', (b: Body) => {
        input = b.variables.input;
        return b.operationName === 'PrefectGitCreateProject';
      })
      .reply(200, { data: { create_project: null }, errors: [{ message: 'Uniqueness violation.', path: ['create_project'] }] })
      .post('/', (b: Body) => b.operationName === 'PrefectGitFindProject')
      .reply(200, projectAnswer);
    await expect(api().createProject('p')).resolves.toEqual({ id: PROJECT_ID, name: 'p', tenantId: TENANT_ID });
    expect(input).toEqual({ tenant_id: TENANT_ID, name: 'p', description: null });
  });

  it('asks Cloud for the API key tenant before creating a project', async () => {
    nock(BASE)
      .post('/', (b: Body) => b.operationName === 'PrefectGitAuthInfo')
      .reply(200, { data: { auth_info: { tenant_id: TENANT_ID } } })
      .post('/', (b: Body) => (b.variables.input as { tenant_id?: string }).tenant_id === TENANT_ID)
      .reply(200, { data: { create_project: { id: PROJECT_ID } } });
    await expect(api({ backend: 'cloud', apiKey: 'k-123' }).createProject('p', { description: 'd' })).resolves.toMatchObject({ id: PROJECT_ID });
  });

  it('reports a Server without tenants as E_API with the create-tenant hint', async () => {
    nock(BASE).post('/').reply(200, { data: { tenant: [] } });
    const error = await failure(api().createProject('p'));
    expect(error.code).toBe('E_API');
    expect(error.message).toContain('has no tenant');
    expect(error.hint).toContain('create-tenant');
  });
});

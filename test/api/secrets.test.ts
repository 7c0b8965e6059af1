import { inspect } from 'node:util';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPrefectApi } from '../../src/api/client.js';
import type { PrefectApiOptions, RequestInfo } from '../../src/api/types.js';

const KEY = 'SENTINEL-KEY-d41d8';
const BASE = 'http://prefect.test:4200';
const forms = [
  KEY,
  KEY.toLowerCase(),
  encodeURIComponent(KEY),
  Buffer.from(KEY).toString('base64'),
  Buffer.from(KEY).toString('base64url'),
  Buffer.from(`u:${KEY}`).toString('base64'),
];

let infos: RequestInfo[] = [];

function api(options: Partial<PrefectApiOptions> = {}): ReturnType<typeof createPrefectApi> {
  return createPrefectApi({
    url: BASE,
    backend: 'cloud',
    apiKey: KEY,
    tenantId: '22222222-2222-4222-8222-222222222222',
    retries: 1,
    timeoutMs: 30,
    sleep: () => Promise.resolve(),
    onRequest: (info) => infos.push(info),
    ...options,
  });
}

function expectNoSecret(thrown: unknown): void {
  const texts = [
    String(thrown),
    JSON.stringify(thrown),
    inspect(thrown, { depth: Infinity, showHidden: true }),
    JSON.stringify(infos),
  ];
  for (const text of texts) for (const form of forms) expect(text.toLowerCase()).not.toContain(form.toLowerCase());
}

async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  const error = await call().then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toHaveProperty('code');
  return error;
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
  infos = [];
});

describe(`the API key never appears in errors (${KEY})`, () => {
  const echo = `bad credentials: Bearer ${KEY} / ${Buffer.from(KEY).toString('base64')}`;
  const cases: Array<[string, () => void]> = [
    ['401', () => nock(BASE).post('/').reply(401, echo)],
    ['GraphQL error echoing the key', () => nock(BASE).post('/').reply(200, { data: null, errors: [{ message: echo, path: ['project'], extensions: { code: 'X', key: KEY } }] })],
    ['400 echoing the key', () => nock(BASE).post('/').reply(400, { errors: [{ message: echo }] })],
    ['network error echoing the key', () => nock(BASE).post('/').times(2).replyWithError(Object.assign(new Error(echo), { code: 'ECONNRESET' }))],
    ['malformed body echoing the key', () => nock(BASE).post('/').reply(200, `<p>${echo}</p>`, { 'Content-Type': 'text/html' })],
    ['503 until exhausted', () => nock(BASE).post('/').times(2).reply(503, echo)],
    ['timeout', () => nock(BASE).post('/').times(2).delay(200).reply(200, {})],
  ];
  it.each(cases)('%s', async (_name, setup) => {
    setup();
    expectNoSecret(await thrownBy(() => api().findProject('p')));
  });

  it('a key in the URL (user info or query) stays out too', async () => {
    nock(BASE).post('/').query(true).times(2).replyWithError(Object.assign(new Error(`connect ECONNREFUSED ${encodeURIComponent(KEY)}`), { code: 'ECONNREFUSED' }));
    const error = await thrownBy(() => api({ apiKey: undefined, url: `http://u:${KEY}@prefect.test:4200/?token=${KEY}` }).findProject('p'));
    expectNoSecret(error);
  });

  it('a registration failure does not echo the payload or key', async () => {
    nock(BASE).post('/').reply(200, { data: { create_flow_from_compressed_string: null }, errors: [{ message: `Invalid project. ${KEY}` }] });
    const error = await thrownBy(() =>
      api().createFlowFromCompressedString({ projectId: 'p', serializedFlow: 'H4sI-PAYLOAD-MARKER', setScheduleActive: true, idempotencyKey: 'k' }),
    );
    expectNoSecret(error);
    expect(inspect(error, { depth: Infinity })).not.toContain('H4sI-PAYLOAD-MARKER');
  });
});

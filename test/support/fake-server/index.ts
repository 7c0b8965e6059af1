/**
 * An in-process fake Prefect Server (or Cloud) on 127.0.0.1: node:http + graphql-js over the real
 * schema file. Every request document is validated against the schema (plus the gateway's depth
 * limit of 7); an invalid one gets Apollo's 400 answer AND is recorded, and `close()` then rejects,
 * so a test that sent one fails loudly even if the client swallowed the error.
 */
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DocumentNode, type GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode, execute, getOperationAST, parse, validate } from 'graphql';
import type { PyValue } from '../../../src/prefect/py-value.js';
import { IMPLEMENTED_ROOT_FIELDS, createRootValue } from './resolvers.js';
import { loadSchema } from './schema.js';
import { type FakeState, createState } from './state.js';

export { addProject, type FakeState, type FlowRecord } from './state.js';

/**
 * A transport fault to inject: drop the connection before processing (`drop`) or after processing
 * (`drop-after`: the state changed but the answer is lost), never answer, or answer an HTTP error.
 */
export type Fault = 'drop' | 'drop-after' | 'hang' | '500' | '502' | '503' | '504' | '429';

/** What a `faults` callback sees about a request. */
export interface FaultRequest {
  operationName: string | null;
  variables: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** 1-based position among all requests. */
  index: number;
  /** 1-based position among requests for this operation name (retries count). */
  nth: number;
}

export interface FakeServerOptions {
  latencyMs?: number;
  faults?: (req: FaultRequest) => Fault | undefined;
  backend?: 'server' | 'cloud';
  /** Cloud: the only accepted `Authorization: Bearer` key. */
  apiKey?: string;
  tenantSlug?: string;
  /** `Retry-After` sent with injected 429s (default `1`). */
  retryAfter?: string;
  /** Reject some payloads with a resolver error (returns the message). */
  rejectFlow?: (flow: PyValue) => string | undefined;
  /** Refuse `set_flow_group_description` / `delete_project` calls with a resolver error (returns the message). */
  refuse?: (field: string, input: Record<string, unknown>) => string | undefined;
  /**
   * Append the request's headers (Authorization included) to every error message, as careless
   * gateways do: the secrets tests check that no such echo reaches the output.
   */
  echoHeaders?: boolean;
}

/** One logged request. */
export interface FakeRequest {
  operationName: string | null;
  /** `query` or `mutation` (null when the document did not parse). */
  kind: 'query' | 'mutation' | 'subscription' | null;
  query: string;
  variables: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  status: number;
  fault?: Fault;
}

export interface FakeServer {
  /** POST here (no path). */
  url: string;
  requests: FakeRequest[];
  state: FakeState;
  /** Requests that failed schema validation or asked for unimplemented root fields. */
  invalid: Array<{ operationName: string | null; errors: string[] }>;
  /** Logged requests that were mutations. */
  mutations(): FakeRequest[];
  /** Stops the server; rejects when any invalid request was received. */
  close(): Promise<void>;
}

const DEPTH_LIMIT = 7;

function depth(set: SelectionSetNode | undefined, level: number): number {
  if (set === undefined) return level - 1;
  return Math.max(level, ...set.selections.map((s) => (s.kind === Kind.FIELD ? depth(s.selectionSet, level + 1) : depth(s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : undefined, level))));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const backend = options.backend ?? 'server';
  const schema = loadSchema(backend);
  const state = createState(options.tenantSlug);
  const requests: FakeRequest[] = [];
  const invalid: FakeServer['invalid'] = [];
  const perOperation = new Map<string, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return send(res, 400, { errors: [{ message: 'POST body sent invalid JSON.' }] });
    }
    const query = typeof body.query === 'string' ? body.query : '';
    // Prefect's own client sends `variables` as a JSON string ("null" when none); accept both.
    const rawVars = typeof body.variables === 'string' ? (JSON.parse(body.variables) as unknown) : body.variables;
    const variables = rawVars !== null && typeof rawVars === 'object' ? (rawVars as Record<string, unknown>) : {};
    const entry: FakeRequest = { operationName: null, kind: null, query, variables, headers: req.headers, status: 200 };
    requests.push(entry);
    const reply = (status: number, payload: { errors?: Array<{ message: string } & Record<string, unknown>> } & Record<string, unknown>, headers?: Record<string, string>): void => {
      entry.status = status;
      if (options.echoHeaders && payload.errors) {
        const echo = ` (request headers: ${JSON.stringify(req.headers)})`;
        payload = { ...payload, errors: payload.errors.map((e) => ({ ...e, message: e.message + echo })) };
      }
      send(res, status, payload, headers);
    };

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      invalid.push({ operationName: null, errors: [(error as Error).message] });
      return reply(400, { errors: [{ message: (error as Error).message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    }
    const operation = getOperationAST(document, typeof body.operationName === 'string' ? body.operationName : undefined);
    entry.operationName = operation?.name?.value ?? null;
    entry.kind = operation?.operation ?? null;

    const nth = (perOperation.get(entry.operationName ?? '') ?? 0) + 1;
    perOperation.set(entry.operationName ?? '', nth);
    const fault = options.faults?.({ operationName: entry.operationName, variables, headers: req.headers, index: requests.length, nth });
    if (fault !== undefined && fault !== 'drop-after') {
      entry.fault = fault;
      if (fault === 'drop') return void req.socket.destroy();
      if (fault === 'hang') return;
      return reply(Number(fault), { errors: [{ message: `injected ${fault}` }] }, fault === '429' ? { 'retry-after': options.retryAfter ?? '1' } : {});
    }

    const errors = validate(schema, document).map((e) => e.message);
    if (operation !== null && depth((operation as OperationDefinitionNode).selectionSet, 0) > DEPTH_LIMIT) {
      errors.push(`'${entry.operationName ?? 'anonymous'}' exceeds maximum operation depth of ${DEPTH_LIMIT}`);
    }
    if (errors.length > 0) {
      invalid.push({ operationName: entry.operationName, errors });
      return reply(400, { errors: errors.map((message) => ({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) });
    }
    const roots = operation?.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) ?? [];
    const missing = roots.filter((r) => !IMPLEMENTED_ROOT_FIELDS.has(r));
    if (missing.length > 0) {
      invalid.push({ operationName: entry.operationName, errors: [`fake server does not implement ${missing.join(', ')}`] });
      return reply(400, { errors: [{ message: `fake server does not implement ${missing.join(', ')}` }] });
    }

    let authTenantId: string | null = null;
    if (backend === 'cloud') {
      const auth = req.headers.authorization;
      if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
        return reply(200, { data: null, errors: [{ message: 'UNAUTHENTICATED: Invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      authTenantId = state.tenants[0]!.id;
    }

    const rootValue = createRootValue(state, { backend, authTenantId, rejectFlow: options.rejectFlow, refuse: options.refuse });
    const result = await execute({ schema, document, rootValue, variableValues: variables, operationName: entry.operationName ?? undefined });
    const errorsOut = result.errors?.map((e: GraphQLError) => ({
      message: e.message,
      locations: e.locations,
      path: e.path,
      extensions: { code: e.extensions.code ?? 'INTERNAL_SERVER_ERROR' },
    }));
    if (fault === 'drop-after') {
      entry.fault = fault;
      return void req.socket.destroy();
    }
    // Apollo Server 2: errors without any data (e.g. bad variables) are a 400.
    const status = result.data === undefined || result.data === null ? 400 : 200;
    reply(status, errorsOut === undefined ? { data: result.data } : { data: result.data ?? null, errors: errorsOut });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { errors: [{ message: String(error) }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    invalid,
    mutations: () => requests.filter((r) => r.kind === 'mutation'),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (invalid.length > 0) {
        throw new Error(`fake server received invalid requests:\n${invalid.map((i) => `${i.operationName ?? '?'}: ${i.errors.join('; ')}`).join('\n')}`);
      }
    },
  };
}

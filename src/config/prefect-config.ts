import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { PrefectGitError } from '../errors.js';

/** The connection settings a Prefect 1.x user already has (reference §5). */
export interface PrefectConnection {
  backend: 'server' | 'cloud';
  /** The GraphQL endpoint; requests are POSTed to it as given. */
  apiUrl: string;
  apiKey?: string | undefined;
  tenantId?: string | undefined;
  /** Server UI base, for flow links (`server.ui.endpoint`). */
  uiEndpoint: string;
  /** Where the API key came from (env variable or file), never the key itself. */
  apiKeySource?: string | undefined;
  /**
   * Where each value came from, for `prefect-git config`: `setting` (prefect-git's own
   * `backend`/`api` setting), a `PREFECT__*` variable, `config.toml <key>`, `backend.toml`,
   * `auth.toml` or `default`.
   */
  sources: { backend: string; apiUrl: string; uiEndpoint: string; tenantId?: string | undefined };
  /** Prefect's home folder (`~/.prefect` unless PREFECT__HOME_DIR). */
  prefectHome: string;
}

export interface PrefectConfigOptions {
  env: Record<string, string | undefined>;
  /** The user's home; `~/.prefect` lives there. */
  home: string;
  /** Flags win over everything. */
  flags?: { backend?: 'server' | 'cloud' | undefined; api?: string | undefined; apiKeyFile?: string | undefined };
}

type Table = Record<string, unknown>;

async function readToml(file: string): Promise<Table | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return parseToml(text);
  } catch (error) {
    throw new PrefectGitError('E_CONFIG', `invalid TOML in ${file}: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : ''}`, {
      hint: 'Fix or remove the file; Prefect itself would fail to start with it too.',
    });
  }
}

function get(table: Table | undefined, dotted: string): string | undefined {
  let node: unknown = table;
  for (const part of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Table)[part];
  }
  return typeof node === 'string' || typeof node === 'number' ? String(node) : undefined;
}

/** auth.toml's table name for an API URL: the netloc, lowercased, runs of other chars → `-`. */
export function authTableName(apiUrl: string): string {
  let netloc: string;
  try {
    netloc = new URL(apiUrl).host;
  } catch {
    netloc = apiUrl;
  }
  return netloc.toLowerCase().replace(/[^-.a-z0-9]+/g, '-');
}

const HOME_VAR = /^~(?=\/|$)/;

/** The first candidate that has a value, with its source label. */
function first(candidates: ReadonlyArray<readonly [value: string | undefined, source: string]>, fallback: readonly [string, string]): [string, string] {
  for (const [value, source] of candidates) if (value !== undefined && value !== '') return [value, source];
  return [fallback[0], fallback[1]];
}

/** `host:port` as Prefect composes it, labelled by where each half came from. */
function hostPort(host: [string, string], port: [string, string]): [string, string] {
  const source = host[1] === 'default' && port[1] === 'default' ? 'default' : `${host[1]} + ${port[1]}`;
  return [`${host[0]}:${port[0]}`, source];
}

/**
 * Reads Prefect 1's own settings the way Prefect does: `~/.prefect/config.toml`, then
 * `backend.toml`, then `PREFECT__*` env variables, then `auth.toml` for the key and tenant;
 * prefect-git's flags win over all of them. The default backend is Prefect's own: cloud.
 * @throws PrefectGitError E_CONFIG for unreadable files or an unknown backend.
 */
export async function readPrefectConnection(options: PrefectConfigOptions): Promise<PrefectConnection> {
  const { env, home } = options;
  const prefectHome = (env.PREFECT__HOME_DIR ?? path.join(home, '.prefect')).replace(HOME_VAR, home);
  const userConfig = await readToml((env.PREFECT__USER_CONFIG_PATH ?? path.join(prefectHome, 'config.toml')).replace(HOME_VAR, home));
  const backendFile = await readToml((env.PREFECT__BACKEND_CONFIG_PATH ?? path.join(prefectHome, 'backend.toml')).replace(HOME_VAR, home));
  const [backend, backendSource] = first(
    [
      [options.flags?.backend, 'setting'],
      [env.PREFECT__BACKEND, 'PREFECT__BACKEND'],
      [get(backendFile, 'backend'), 'backend.toml'],
      [get(userConfig, 'backend'), 'config.toml backend'],
    ],
    ['cloud', 'default'],
  );
  if (backend !== 'server' && backend !== 'cloud') {
    throw new PrefectGitError('E_CONFIG', `unknown Prefect backend '${backend}'`, { hint: 'Use server or cloud (--backend, PREFECT__BACKEND).' });
  }
  const serverEndpoint = first(
    [
      [env.PREFECT__SERVER__ENDPOINT, 'PREFECT__SERVER__ENDPOINT'],
      [get(userConfig, 'server.endpoint'), 'config.toml server.endpoint'],
    ],
    hostPort(
      first([[env.PREFECT__SERVER__HOST, 'PREFECT__SERVER__HOST'], [get(userConfig, 'server.host'), 'config.toml server.host']], ['http://localhost', 'default']),
      first([[env.PREFECT__SERVER__PORT, 'PREFECT__SERVER__PORT'], [get(userConfig, 'server.port'), 'config.toml server.port']], ['4200', 'default']),
    ),
  );
  const cloudEndpoint = first(
    [
      [env.PREFECT__CLOUD__ENDPOINT, 'PREFECT__CLOUD__ENDPOINT'],
      [get(userConfig, 'cloud.endpoint'), 'config.toml cloud.endpoint'],
    ],
    ['https://api.prefect.io', 'default'],
  );
  // Prefect's `cloud.api` defaults to the chosen backend's endpoint and is what its client uses.
  const endpoint = backend === 'server' ? serverEndpoint : cloudEndpoint;
  const [apiUrl, apiUrlSource] = first(
    [
      [options.flags?.api, 'setting'],
      [env.PREFECT__CLOUD__API, 'PREFECT__CLOUD__API'],
      [get(userConfig, 'cloud.api'), 'config.toml cloud.api'],
    ],
    [endpoint[0], `${backend} endpoint (${endpoint[1]})`],
  );
  const [uiEndpoint, uiEndpointSource] = first(
    [
      [env.PREFECT__SERVER__UI__ENDPOINT, 'PREFECT__SERVER__UI__ENDPOINT'],
      [get(userConfig, 'server.ui.endpoint'), 'config.toml server.ui.endpoint'],
    ],
    hostPort(
      first([[env.PREFECT__SERVER__UI__HOST, 'PREFECT__SERVER__UI__HOST'], [get(userConfig, 'server.ui.host'), 'config.toml server.ui.host']], ['http://localhost', 'default']),
      first([[env.PREFECT__SERVER__UI__PORT, 'PREFECT__SERVER__UI__PORT'], [get(userConfig, 'server.ui.port'), 'config.toml server.ui.port']], ['8080', 'default']),
    ),
  );

  let apiKey: string | undefined;
  let apiKeySource: string | undefined;
  let tenantId = env.PREFECT__CLOUD__TENANT_ID || get(userConfig, 'cloud.tenant_id') || undefined;
  let tenantSource = env.PREFECT__CLOUD__TENANT_ID ? 'PREFECT__CLOUD__TENANT_ID' : tenantId !== undefined ? 'config.toml cloud.tenant_id' : undefined;
  if (options.flags?.apiKeyFile) {
    apiKey = (await readFile(options.flags.apiKeyFile, 'utf8').catch(() => {
      throw new PrefectGitError('E_CONFIG', `cannot read the API key file ${options.flags?.apiKeyFile ?? ''}`, { hint: 'Pass a readable file to --api-key-file.' });
    })).trim();
    apiKeySource = '--api-key-file';
  } else if (env.PREFECT__CLOUD__API_KEY) {
    apiKey = env.PREFECT__CLOUD__API_KEY;
    apiKeySource = 'PREFECT__CLOUD__API_KEY';
  } else if (get(userConfig, 'cloud.api_key')) {
    apiKey = get(userConfig, 'cloud.api_key');
    apiKeySource = 'config.toml';
  }
  const auth = await readToml(path.join(prefectHome, 'auth.toml'));
  const authTable = auth?.[authTableName(apiUrl)] as Table | undefined;
  if (!apiKey && typeof authTable?.api_key === 'string' && authTable.api_key) {
    apiKey = authTable.api_key;
    apiKeySource = 'auth.toml';
  }
  if (!tenantId && typeof authTable?.tenant_id === 'string' && authTable.tenant_id) {
    tenantId = authTable.tenant_id;
    tenantSource = 'auth.toml';
  }
  const sources = { backend: backendSource, apiUrl: apiUrlSource, uiEndpoint: uiEndpointSource, tenantId: tenantSource };
  return { backend, apiUrl, apiKey, tenantId, uiEndpoint, apiKeySource, sources, prefectHome };
}

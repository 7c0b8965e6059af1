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
  const backend = options.flags?.backend ?? env.PREFECT__BACKEND ?? get(backendFile, 'backend') ?? get(userConfig, 'backend') ?? 'cloud';
  if (backend !== 'server' && backend !== 'cloud') {
    throw new PrefectGitError('E_CONFIG', `unknown Prefect backend '${backend}'`, { hint: 'Use server or cloud (--backend, PREFECT__BACKEND).' });
  }
  const serverEndpoint =
    env.PREFECT__SERVER__ENDPOINT ??
    get(userConfig, 'server.endpoint') ??
    `${env.PREFECT__SERVER__HOST ?? get(userConfig, 'server.host') ?? 'http://localhost'}:${env.PREFECT__SERVER__PORT ?? get(userConfig, 'server.port') ?? '4200'}`;
  const cloudEndpoint = env.PREFECT__CLOUD__ENDPOINT ?? get(userConfig, 'cloud.endpoint') ?? 'https://api.prefect.io';
  // Prefect's `cloud.api` defaults to the chosen backend's endpoint and is what its client uses.
  const apiUrl =
    options.flags?.api ?? env.PREFECT__CLOUD__API ?? get(userConfig, 'cloud.api') ?? (backend === 'server' ? serverEndpoint : cloudEndpoint);
  const uiEndpoint =
    env.PREFECT__SERVER__UI__ENDPOINT ??
    get(userConfig, 'server.ui.endpoint') ??
    `${env.PREFECT__SERVER__UI__HOST ?? get(userConfig, 'server.ui.host') ?? 'http://localhost'}:${env.PREFECT__SERVER__UI__PORT ?? get(userConfig, 'server.ui.port') ?? '8080'}`;

  let apiKey: string | undefined;
  let apiKeySource: string | undefined;
  let tenantId = env.PREFECT__CLOUD__TENANT_ID || get(userConfig, 'cloud.tenant_id') || undefined;
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
  if (!tenantId && typeof authTable?.tenant_id === 'string' && authTable.tenant_id) tenantId = authTable.tenant_id;
  return { backend, apiUrl, apiKey, tenantId, uiEndpoint, apiKeySource };
}

import { homedir } from 'node:os';
import type { Command } from 'commander';
import { Option } from 'commander';
import { createPrefectApi } from '../api/client.js';
import type { PrefectApi } from '../api/types.js';
import type { PrefectConnection } from '../config/prefect-config.js';
import { readPrefectConnection } from '../config/prefect-config.js';
import type { Output } from './output.js';
import type { CommandContext } from './program.js';

/** The connection flags of every command that talks to Prefect. */
export interface ApiFlags {
  api?: string;
  backend?: 'server' | 'cloud';
  apiKeyFile?: string;
}

/** Adds `--api`, `--backend` and `--api-key-file`. */
export function addApiOptions(command: Command): Command {
  return command
    .option('--api <url>', 'Prefect API URL (default: from Prefect config)')
    .addOption(new Option('--backend <backend>', 'Prefect backend (default: from Prefect config)').choices(['server', 'cloud']))
    .option('--api-key-file <file>', 'read the API key from this file (keys are never taken as flag values)');
}

/**
 * Reads Prefect's connection settings (flags and prefect-git settings first) and builds the
 * client; the API key is registered with the output's redactor before anything is printed.
 */
export async function connectApi(
  ctx: CommandContext,
  output: Output,
  flags: {
    api?: string | undefined;
    backend?: 'server' | 'cloud' | undefined;
    apiKeyFile?: string | undefined;
    /** `api_timeout` setting, seconds. */
    timeout?: number | undefined;
    /** `api_retries` setting. */
    retries?: number | undefined;
  },
): Promise<{ api: PrefectApi; connection: PrefectConnection }> {
  const connection = await readPrefectConnection({
    env: ctx.io.env,
    home: ctx.io.home ?? ctx.io.env.HOME ?? homedir(),
    flags: { backend: flags.backend, api: flags.api, apiKeyFile: flags.apiKeyFile },
  });
  output.addSecrets([connection.apiKey]);
  const api = createPrefectApi({
    url: connection.apiUrl,
    backend: connection.backend,
    apiKey: connection.apiKey,
    tenantId: connection.tenantId,
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
    ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
    ...ctx.io.apiTransport,
    onRequest: (info) => output.debug(`${info.operation} attempt ${info.attempt}: ${info.status ?? info.failure ?? '?'} in ${info.ms} ms`),
  });
  return { api, connection };
}

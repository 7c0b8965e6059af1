import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { SETTING_DEFAULTS, defaultText, settingType } from '../../config/describe.js';
import type { LoadedSettings } from '../../config/load-settings.js';
import { loadSettings } from '../../config/load-settings.js';
import type { PrefectConnection } from '../../config/prefect-config.js';
import { readPrefectConnection } from '../../config/prefect-config.js';
import type { SettingKey, Settings } from '../../config/schema.js';
import { SETTING_KEYS, envName } from '../../config/schema.js';
import { isPrefectGitError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { examples } from '../help.js';
import { collect } from '../options.js';
import type { Output } from '../output.js';
import type { CommandContext } from '../program.js';
import type { StorageFlags } from '../workspace.js';
import { flagsToSettings } from '../workspace.js';

interface ConfigOptions extends StorageFlags {
  project?: string;
  backend?: 'server' | 'cloud';
  api?: string;
  apiKeyFile?: string;
  concurrency?: string;
  loader?: 'auto' | 'static' | 'python' | 'both';
  python?: string;
  pythonTimeout?: string;
  createProject?: boolean;
}

/** Shown instead of every secret value, whatever its source. */
const MASK = '***';

/** The flags `config` accepts: the settings flags of the flow commands, so it shows what they would use. */
function addSettingFlags(command: Command): Command {
  return command
    .option('-p, --project <name>', 'Prefect project (as register takes it)')
    .option('--remote <name>', 'git remote flow runs clone from')
    .option('--repo-host <host>', 'Git storage repo_host')
    .option('--repo <owner/name>', 'Git storage repo')
    .option('--token-secret <name>', 'name of the Prefect Secret holding the git token')
    .option('--token-username <user>', 'git_token_username')
    .option('--use-ssh', 'flow runs clone over ssh')
    .option('--label <label>', 'add a run-config label (repeatable)', collect)
    .option('--prefect-version <version>', 'the __version__ written into serialized flows')
    .option('--image <image>', 'image for run configs that take one')
    .addOption(new Option('--loader <loader>', 'how flows are read').choices(['auto', 'static', 'python', 'both']))
    .option('--python <path>', 'Python interpreter for the python loader')
    .option('--python-timeout <seconds>', 'seconds the python loader may take')
    .option('--concurrency <n>', 'registrations in flight at once')
    .option('--create-project', 'create the project when it does not exist')
    .addOption(new Option('--backend <backend>', 'Prefect backend').choices(['server', 'cloud']))
    .option('--api <url>', 'Prefect API URL')
    .option('--api-key-file <file>', 'read the API key from this file');
}

/** `prefect-git config`: the effective settings and Prefect connection, and where each came from. */
export function addConfigCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('config')
    .description('Show the effective settings and Prefect connection, and where each value comes from')
    .argument('[paths...]', 'files or folders with flows, as the flow commands take them');
  addSettingFlags(command)
    .addHelpText(
      'after',
      examples([
        ['prefect-git config', 'every setting with its value and source (flag, env, file:line, default)'],
        ['PREFECT_GIT_LABELS=k8s,prod prefect-git config --json', 'as JSON; the API key is always shown as ***'],
        ['prefect-git config --backend server --api http://prefect:4200', 'what register would use with these flags'],
      ]),
    )
    .action(async (paths: string[], options: ConfigOptions, cmd: Command) => {
      const { output, cwd } = ctx.begin(cmd);
      const root = await openRepo(cwd).then(
        (repo) => repo.root(),
        (error: unknown) => {
          if (!isPrefectGitError(error)) throw error;
          return undefined;
        },
      );
      const settings = await loadSettings({ cwd, stopAt: root, env: ctx.io.env, flags: settingsFlags(paths, options) });
      const connection = await readPrefectConnection({
        env: ctx.io.env,
        home: ctx.io.home ?? ctx.io.env.HOME ?? homedir(),
        flags: { backend: settings.values.backend, api: settings.values.api, apiKeyFile: options.apiKeyFile },
      });
      output.addSecrets([connection.apiKey]);
      const document = configDocument(settings, connection, root);
      if (output.json) {
        output.writeJson(document);
        return;
      }
      renderConfig(output, settings, connection, cwd, root);
    });
}

function settingsFlags(paths: string[], options: ConfigOptions): Settings {
  const extra: Settings = {
    ...(options.project !== undefined ? { project: options.project } : {}),
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.api !== undefined ? { api: options.api } : {}),
    ...(options.loader !== undefined ? { loader: options.loader } : {}),
    ...(options.python !== undefined ? { python: options.python } : {}),
    ...(options.pythonTimeout !== undefined ? { python_timeout: Number(options.pythonTimeout) } : {}),
    ...(options.concurrency !== undefined ? { concurrency: Number(options.concurrency) } : {}),
    ...(options.createProject ? { create_project: true } : {}),
  };
  return flagsToSettings({ ...options, paths }, extra);
}

/** Where a setting's value came from, in words: `flag --x`, `env NAME`, `file path:line`, `default`. */
function sourceText(settings: LoadedSettings, key: SettingKey, cwd: string): string {
  const source = settings.sources[key];
  if (source === undefined) return 'default';
  if (source.source === 'file') return `file ${displayPath(source.detail, cwd)}`;
  return `${source.source} ${source.detail}`;
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function valueText(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** `setting` in prefect-config means prefect-git's own backend/api setting: name its source. */
function connectionSource(source: string, key: 'backend' | 'api', settings: LoadedSettings): string {
  if (source !== 'setting') return source;
  const from = settings.sources[key];
  return from === undefined ? `setting ${key}` : `setting ${key} (${from.source} ${from.detail})`;
}

/** The JSON of `config --json`: values, sources, types and defaults; secrets as `***`. */
function configDocument(settings: LoadedSettings, connection: PrefectConnection, root: string | undefined): Record<string, unknown> {
  const entries = SETTING_KEYS.map((key) => {
    const source = settings.sources[key];
    const fallback: { value: unknown } | { note: string } = SETTING_DEFAULTS[key];
    const value = settings.values[key] ?? ('value' in fallback ? fallback.value : null);
    return [
      key,
      {
        value,
        source: source?.source ?? 'default',
        detail: source?.detail ?? null,
        env: envName(key),
        type: settingType(key),
        default: 'value' in fallback ? fallback.value : null,
        default_note: 'note' in fallback ? fallback.note : null,
      },
    ] as const;
  });
  return {
    repository: root ?? null,
    config_file: settings.file ?? null,
    settings: Object.fromEntries(entries),
    prefect: {
      home: connection.prefectHome,
      backend: { value: connection.backend, source: connectionSource(connection.sources.backend, 'backend', settings) },
      api_url: { value: connection.apiUrl, source: connectionSource(connection.sources.apiUrl, 'api', settings) },
      ui_endpoint: { value: connection.uiEndpoint, source: connection.sources.uiEndpoint },
      api_key: { value: connection.apiKey ? MASK : null, source: connection.apiKey ? (connection.apiKeySource ?? null) : null },
      tenant_id: { value: connection.tenantId ?? null, source: connection.sources.tenantId ?? null },
    },
  };
}

function renderConfig(output: Output, settings: LoadedSettings, connection: PrefectConnection, cwd: string, root: string | undefined): void {
  const { bold, dim } = output.colors;
  const row = (name: string, value: string, source: string): string => `  ${name.padEnd(16)} ${value.padEnd(28)} ${dim(source)}`.trimEnd();
  const file = settings.file === undefined ? 'no config file found' : displayPath(settings.file, cwd);
  const lines = [bold('prefect-git settings') + dim(` (flags > env PREFECT_GIT_* > ${file} > defaults)`)];
  if (root === undefined) lines.push(dim('  (not inside a git repository: the config file search went up to /)'));
  for (const key of SETTING_KEYS) {
    const value = settings.values[key];
    if (value !== undefined) {
      lines.push(row(key, valueText(value), sourceText(settings, key, cwd)));
      continue;
    }
    // A computed default is a sentence: it goes in the source column, where long text fits.
    const fallback = defaultText(key);
    lines.push(fallback.startsWith('(') ? row(key, '-', `default ${fallback}`) : row(key, fallback, 'default'));
  }
  lines.push('', bold('Prefect connection') + dim(` (prefect-git settings > PREFECT__* env > ${connection.prefectHome} > defaults)`));
  lines.push(row('backend', connection.backend, connectionSource(connection.sources.backend, 'backend', settings)));
  lines.push(row('api', connection.apiUrl, connectionSource(connection.sources.apiUrl, 'api', settings)));
  lines.push(row('ui_endpoint', connection.uiEndpoint, connection.sources.uiEndpoint));
  lines.push(row('api_key', connection.apiKey ? MASK : '-', connection.apiKey ? (connection.apiKeySource ?? '') : 'none'));
  lines.push(row('tenant_id', connection.tenantId ?? '-', connection.sources.tenantId ?? (connection.backend === 'cloud' ? "none (the API key's own tenant)" : 'none (the first tenant)')));
  // The table is this command's result, so it goes to stdout like `ref`'s name (pipe it to grep).
  output.result(lines.join('\n'));
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TomlError, parse as parseToml } from 'smol-toml';
import { PrefectGitError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import type { SettingKey, Settings } from './schema.js';
import { BOOLEAN_KEYS, LIST_KEYS, NUMBER_KEYS, SETTINGS, SETTING_KEYS, envName } from './schema.js';

export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export interface LoadedSettings {
  values: Settings;
  /** Where each value came from: `flag`, `env` (with the variable), `file` (with path:line). */
  sources: Partial<Record<SettingKey, { source: SettingSource; detail: string }>>;
  /** Repository-relative or absolute path of the config file read, if any. */
  file?: string | undefined;
}

export interface LoadSettingsOptions {
  cwd: string;
  /** The search for a config file stops at this folder (the repository root). */
  stopAt?: string | undefined;
  env: Record<string, string | undefined>;
  /** Values given as flags (already typed by the CLI parser). */
  flags?: Settings | undefined;
}

/** Settings whose command-line spelling is not `--<key>` (so sources and errors name the real flag). */
const FLAG_NAMES: Partial<Record<SettingKey, string>> = { labels: '--label', paths: 'the paths arguments' };

interface Problem {
  where: string;
  message: string;
}

/** Finds `prefect-git.toml` or a `pyproject.toml` with `[tool.prefect-git]`, from cwd up to stopAt. */
async function findConfigFile(cwd: string, stopAt: string | undefined): Promise<{ file: string; table: Record<string, unknown>; text: string } | { file: string; error: Problem } | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of ['prefect-git.toml', 'pyproject.toml']) {
      const file = path.join(dir, name);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      let doc: Record<string, unknown>;
      try {
        doc = parseToml(text);
      } catch (error) {
        const where = error instanceof TomlError ? `${file}:${error.line}:${error.column}` : file;
        const message = error instanceof Error ? error.message.split('\n')[0] ?? 'invalid TOML' : 'invalid TOML';
        return { file, error: { where, message: `invalid TOML: ${message}` } };
      }
      const table = isTable(doc.tool) ? doc.tool['prefect-git'] : undefined;
      if (table !== undefined && !isTable(table)) {
        // `[[tool.prefect-git]]` or `tool.prefect-git = ...`: report it rather than list odd keys.
        return { file, error: { where: file, message: '[tool.prefect-git] must be a table of settings' } };
      }
      // In prefect-git.toml the keys may also be written at the top level (docs/configuration.md).
      if (name === 'prefect-git.toml') return { file, table: table ?? doc, text };
      if (table !== undefined) return { file, table, text };
    }
    if ((stopAt && path.resolve(stopAt) === dir) || path.dirname(dir) === dir) return undefined;
  }
}

/** A TOML table (smol-toml gives dates as Date objects and arrays as arrays). */
function isTable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** The line where `key =` is written, for error messages (best effort). */
function lineOf(text: string, key: string): number | undefined {
  // A quoted TOML key can hold any character: escaped, it cannot break (or hang) the pattern.
  const re = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`);
  const index = text.split('\n').findIndex((line) => re.test(line));
  return index >= 0 ? index + 1 : undefined;
}

function fromEnv(key: SettingKey, raw: string): unknown {
  if (LIST_KEYS.has(key)) return raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (NUMBER_KEYS.has(key)) return /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (BOOLEAN_KEYS.has(key)) return /^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : raw;
  return raw;
}

function check(key: SettingKey, value: unknown, where: string, problems: Problem[]): unknown {
  const parsed = SETTINGS[key].schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push({ where, message: `${key}: ${issue.message}` });
  return undefined;
}

/**
 * Merges flags > env (`PREFECT_GIT_<KEY>`) > config file > defaults, validating every value.
 * @throws PrefectGitError E_CONFIG listing every problem at once (file:line, key, reason).
 */
export async function loadSettings(options: LoadSettingsOptions): Promise<LoadedSettings> {
  const problems: Problem[] = [];
  const values: Record<string, unknown> = {};
  const sources: LoadedSettings['sources'] = {};
  const found = await findConfigFile(options.cwd, options.stopAt);
  if (found && 'error' in found) problems.push(found.error);
  if (found && 'table' in found) {
    for (const [rawKey, value] of Object.entries(found.table)) {
      const line = lineOf(found.text, rawKey);
      const where = line ? `${found.file}:${line}` : found.file;
      const key = rawKey.replace(/-/g, '_') as SettingKey;
      if (!SETTING_KEYS.includes(key)) {
        const suggestion = didYouMean(rawKey, SETTING_KEYS);
        problems.push({ where, message: `unknown key '${rawKey}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}` });
        continue;
      }
      const checked = check(key, value, where, problems);
      if (checked !== undefined) {
        values[key] = checked;
        sources[key] = { source: 'file', detail: where };
      }
    }
  }
  for (const key of SETTING_KEYS) {
    const raw = options.env[envName(key)];
    if (raw === undefined || raw === '') continue;
    const checked = check(key, fromEnv(key, raw), envName(key), problems);
    if (checked !== undefined) {
      values[key] = checked;
      sources[key] = { source: 'env', detail: envName(key) };
    }
  }
  for (const [key, value] of Object.entries(options.flags ?? {}) as Array<[SettingKey, unknown]>) {
    if (value === undefined) continue;
    const flag = FLAG_NAMES[key] ?? `--${key.replace(/_/g, '-')}`;
    const checked = check(key, value, flag, problems);
    if (checked !== undefined) {
      values[key] = checked;
      sources[key] = { source: 'flag', detail: flag };
    }
  }
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  ${problem.where}: ${problem.message}`);
    throw new PrefectGitError('E_CONFIG', `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      hint: 'Fix the values above; `prefect-git config` shows the effective settings and where each comes from.',
      details: { problems },
    });
  }
  return { values: values, sources, file: found && 'table' in found ? found.file : undefined };
}

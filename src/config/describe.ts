/**
 * What `prefect-git config` and docs/configuration.md say about each setting beyond its doc line:
 * its type (read from the zod schema, so it cannot drift) and its default.
 */
import type { SettingKey, Settings } from './schema.js';
import { SETTINGS } from './schema.js';

/** A setting's default: a fixed value, or a sentence when it is computed or absent. */
export type SettingDefault<K extends SettingKey> = { value: NonNullable<Settings[K]> } | { note: string };

/**
 * The defaults the commands apply when no flag, env variable or config file sets a key. The
 * commands keep their own `?? default` next to the use; this table is what users are shown, and
 * `test/unit/config-describe.test.ts` checks it against each doc line's "(default: ...)".
 */
export const SETTING_DEFAULTS: { readonly [K in SettingKey]: SettingDefault<K> } = {
  project: { note: 'none (register needs one)' },
  paths: { value: ['.'] },
  remote: { value: 'origin' },
  repo_host: { note: 'from the remote URL' },
  repo: { note: 'from the remote URL' },
  token_secret: { note: 'none (public repository or ssh)' },
  token_username: { note: 'per host: owner on GitHub, oauth2 on GitLab, x-token-auth on Bitbucket' },
  use_ssh: { value: false },
  labels: { value: [] },
  schedule: { note: "on for tags and the remote's default branch, off for other branches" },
  loader: { value: 'auto' },
  python: { note: 'PREFECT_GIT_PYTHON, .venv or venv of the repository, python3 or python on PATH' },
  python_timeout: { value: 120 },
  concurrency: { value: 4 },
  backend: { note: "from Prefect's config (PREFECT__BACKEND, ~/.prefect/backend.toml), else cloud" },
  api: { note: "from Prefect's config (PREFECT__CLOUD__API, server or cloud endpoint)" },
  api_timeout: { value: 15 },
  api_retries: { value: 5 },
  prefect_version: { value: '1.4.1' },
  image: { note: 'none' },
  create_project: { value: false },
};

interface Introspected {
  def: { type: string; element?: Introspected };
  format?: string | null;
  isInt?: boolean;
  options?: readonly string[];
  minValue?: number | null;
  maxValue?: number | null;
}

/**
 * The type of a setting in words, from its zod schema: `string`, `URL`, `boolean`,
 * `list of strings`, `one of: a, b`, `integer 1–64`, `positive integer`.
 */
export function settingType(key: SettingKey): string {
  return describeSchema(SETTINGS[key].schema);
}

function describeSchema(schema: Introspected): string {
  switch (schema.def.type) {
    case 'string':
      return schema.format === 'url' ? 'URL' : 'string';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return `one of: ${(schema.options ?? []).join(', ')}`;
    case 'array':
      return schema.def.element ? `list of ${describeSchema(schema.def.element)}s` : 'list';
    case 'number': {
      const { minValue, maxValue } = schema;
      if (!schema.isInt) return 'number';
      if (typeof minValue === 'number' && typeof maxValue === 'number' && maxValue < Number.MAX_SAFE_INTEGER) return `integer ${minValue}–${maxValue}`;
      return 'positive integer';
    }
    default:
      return schema.def.type;
  }
}

/** A default as shown to users: the value (lists comma-separated) or the note in parentheses. */
export function defaultText(key: SettingKey): string {
  const entry: { value: unknown } | { note: string } = SETTING_DEFAULTS[key];
  if ('note' in entry) return `(${entry.note})`;
  return Array.isArray(entry.value) ? entry.value.join(', ') || '(none)' : String(entry.value);
}

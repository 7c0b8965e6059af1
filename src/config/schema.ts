import { z } from 'zod';

/**
 * Every setting prefect-git reads from `[tool.prefect-git]` / `prefect-git.toml`, the env
 * (`PREFECT_GIT_<KEY>`) and the long flags (`--<key-with-dashes>`). One table, so the docs test,
 * the `config` command and the validation all agree.
 */
export const SETTINGS = {
  project: { schema: z.string().min(1), doc: 'Prefect project to register into; placeholders {branch} {tag} {ref} {ref_slug}' },
  paths: { schema: z.array(z.string().min(1)), doc: 'files or folders holding flows (default: the current folder)' },
  remote: { schema: z.string().min(1), doc: 'git remote flow runs clone from (default: origin)' },
  repo_host: { schema: z.string().min(1), doc: 'Git storage repo_host (default: from the remote URL)' },
  repo: { schema: z.string().min(1), doc: 'Git storage repo, e.g. acme/flows (default: from the remote URL)' },
  token_secret: { schema: z.string().min(1), doc: 'name of the Prefect Secret holding the git token (git_token_secret_name)' },
  token_username: { schema: z.string().min(1), doc: 'git_token_username (default: owner on GitHub, oauth2 on GitLab, x-token-auth on Bitbucket)' },
  use_ssh: { schema: z.boolean(), doc: 'clone over ssh (use_ssh)' },
  labels: { schema: z.array(z.string().min(1)), doc: 'labels added to every run config' },
  schedule: { schema: z.enum(['on', 'off', 'keep']), doc: 'schedule state after registering: on, off or keep' },
  loader: { schema: z.enum(['auto', 'static', 'python', 'both']), doc: 'how flows are read (default: auto)' },
  python: { schema: z.string().min(1), doc: 'Python interpreter with Prefect 1.x for the python loader' },
  python_timeout: { schema: z.number().int().positive(), doc: 'seconds the python loader may take (default: 120)' },
  concurrency: { schema: z.number().int().min(1).max(64), doc: 'registrations in flight at once (default: 4)' },
  backend: { schema: z.enum(['server', 'cloud']), doc: 'Prefect backend (default: from Prefect config, else cloud, as in Prefect)' },
  api: { schema: z.url(), doc: 'Prefect API URL (default: from Prefect config)' },
  api_timeout: { schema: z.number().positive().max(600), doc: 'seconds one API request may take before it is retried (default: 15, as Prefect)' },
  api_retries: { schema: z.number().int().min(0).max(20), doc: 'retries of a failed API request, with backoff (default: 5)' },
  prefect_version: { schema: z.string().regex(/^\d+\.\d+\.\d+\S*$/), doc: 'the __version__ written into serialized flows (default: 1.4.1)' },
  image: { schema: z.string().min(1), doc: 'image for run configs that take one; placeholders {ref} {ref_slug} {tag} {branch} {sha}' },
  create_project: { schema: z.boolean(), doc: 'create the project when it does not exist' },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export type Settings = { [K in SettingKey]?: z.infer<(typeof SETTINGS)[K]['schema']> };

/** Settings whose values are lists (comma-separated in env variables). */
export const LIST_KEYS: ReadonlySet<SettingKey> = new Set(['paths', 'labels']);
/** Settings whose values are numbers or booleans (converted from env strings). */
export const NUMBER_KEYS: ReadonlySet<SettingKey> = new Set(['python_timeout', 'concurrency', 'api_timeout', 'api_retries']);
export const BOOLEAN_KEYS: ReadonlySet<SettingKey> = new Set(['use_ssh', 'create_project']);

/** The env variable of a setting: `token_secret` → `PREFECT_GIT_TOKEN_SECRET`. */
export function envName(key: SettingKey): string {
  return `PREFECT_GIT_${key.toUpperCase()}`;
}

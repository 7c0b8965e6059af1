/**
 * What the client sends with every request, worked out once from its options: the checked
 * endpoint URL, Prefect's headers with the credentials in them, and a scrubber that removes every
 * form of those credentials from text. Pure (no HTTP); used only by `client.ts`.
 */
import { PrefectGitError } from '../errors.js';
import { displayUrl, splitUrlCredentials } from './endpoints.js';
import type { PrefectApiOptions } from './types.js';

/** The Prefect core version our payloads are built as, sent like the Python client does. */
const CORE_VERSION = '1.4.1';

/** The request setup `resolveConnection` returns. */
export interface Connection {
  /** The URL to POST to, with any user info moved into `headers`. */
  url: string;
  /** The URL without credentials, for messages. */
  displayUrl: string;
  headers: Record<string, string>;
  /** Whether an API key is sent (an empty key counts as none). */
  hasKey: boolean;
  /** Replaces the API key and URL credentials, in their encoded forms too, with `***`. */
  scrub: (text: string) => string;
}

/**
 * The URL, headers and scrubber for `options`. A non-empty API key is sent as Bearer (with the
 * tenant id, if any); otherwise credentials in the URL are sent as Basic.
 *
 * @throws PrefectGitError E_CONFIG when `url` is not an http(s) URL.
 */
export function resolveConnection(options: PrefectApiOptions): Connection {
  const shown = displayUrl(options.url);
  let split: ReturnType<typeof splitUrlCredentials>;
  try {
    split = splitUrlCredentials(options.url);
    if (!/^https?:$/.test(new URL(split.url).protocol)) throw new TypeError('not http(s)');
  } catch {
    throw new PrefectGitError('E_CONFIG', `The Prefect API URL is not a valid http(s) URL: ${shown}`, {
      hint: 'Use e.g. http://localhost:4200 (Prefect Server) or https://api.prefect.io (Prefect Cloud)',
    });
  }
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-PREFECT-CORE-VERSION': options.coreVersion ?? CORE_VERSION,
  };
  if (apiKey !== undefined) {
    headers.Authorization = `Bearer ${apiKey}`;
    if (options.tenantId) headers['X-PREFECT-TENANT-ID'] = options.tenantId;
  } else if (split.basicAuth !== null) {
    headers.Authorization = `Basic ${split.basicAuth}`;
  }
  const secrets = secretForms([apiKey, split.basicAuth, ...userInfo(options.url)]);
  const scrub = (text: string): string => secrets.reduce((acc, s) => acc.split(s).join('***'), text);
  return { url: split.url, displayUrl: shown, headers, hasKey: apiKey !== undefined, scrub };
}

/** The key as sent, URL-encoded and base64-encoded, so none of them can leak into messages. */
function secretForms(values: ReadonlyArray<string | null | undefined>): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined || value.length < 4) continue;
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(Buffer.from(value, 'utf8').toString('base64'));
    forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  }
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

function userInfo(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [parsed.username, parsed.password, decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)];
  } catch {
    return [];
  }
}

/**
 * URL helpers: a printable form of the API URL, and the UI address of a registered flow as
 * Prefect 1.4.1's `Client.get_cloud_url` builds it (prefect1.md §5.3). Pure functions.
 */
import type { Backend } from './types.js';

/** Prefect Server's default UI endpoint (`server.ui.endpoint`). */
export const DEFAULT_SERVER_UI_URL = 'http://localhost:8080';

/**
 * The URL without user info, query string or fragment, any of which may hold a credential.
 * Text that does not parse as a URL is reduced to a placeholder rather than echoed.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid URL>';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

/**
 * Splits credentials out of an API URL: fetch refuses URLs with user info, so the client sends
 * them as a Basic `Authorization` header instead (only when no API key is set).
 */
export function splitUrlCredentials(url: string): { url: string; basicAuth: string | null } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, basicAuth: null };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), basicAuth: Buffer.from(`${user}:${password}`, 'utf8').toString('base64') };
}

/**
 * The UI base for Cloud, derived from the API URL like Prefect does: every `api-` removed if
 * present (`https://api-beta.prefect.io` → `https://beta.prefect.io`), else every `api` replaced by
 * `cloud` (`https://api.prefect.io` → `https://cloud.prefect.io`).
 */
export function cloudUiBase(apiUrl: string): string {
  const clean = displayUrl(apiUrl);
  return clean.includes('api-') ? clean.replaceAll('api-', '') : clean.replaceAll('api', 'cloud');
}

/** Inputs of `flowUiUrl`. */
export interface FlowUiUrlInput {
  backend: Backend;
  /** The API URL (used to derive the Cloud UI when `uiUrl` is not given). */
  apiUrl: string;
  /** Explicit UI base (Server: `server.ui.endpoint`, default http://localhost:8080). */
  uiUrl?: string | undefined;
  tenantSlug: string;
  flowGroupId: string;
}

/**
 * `<ui>/<tenant slug>/flow/<flow group id>`, the address Prefect prints after `flow.register()`.
 * It uses the flow *group* id, so it stays valid across versions.
 */
export function flowUiUrl(input: FlowUiUrlInput): string {
  const base = input.uiUrl ?? (input.backend === 'cloud' ? cloudUiBase(input.apiUrl) : DEFAULT_SERVER_UI_URL);
  const trimmed = displayUrl(base).replace(/\/+$/, '');
  return `${trimmed}/${encodeURIComponent(input.tenantSlug)}/flow/${encodeURIComponent(input.flowGroupId)}`;
}

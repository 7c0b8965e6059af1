/**
 * Git remote URLs → host, port and repository path, the facts Prefect's Git storage needs
 * (`repo_host`, `repo`). Pure: no git, no network. Credentials are dropped while parsing, so
 * nothing downstream can print them, and error messages show the URL with its user part masked.
 */
import { PrefectGitError } from '../errors.js';
import type { RemoteInfo } from './types.js';

const SCHEMES: Readonly<Record<string, RemoteInfo['protocol']>> = {
  https: 'https',
  http: 'http',
  ssh: 'ssh',
  'git+ssh': 'ssh',
  'ssh+git': 'ssh',
  git: 'git',
  file: 'file',
};

const HOSTNAME = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/i;
const IPV6_HOST = /^\[[0-9a-f:.]+(?:%[a-z0-9]+)?\]$/i;
const MASK = '***';

/** `scheme://userinfo@`, userinfo running to the last `@` before a `/` or whitespace. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/]*)@/gi;

/**
 * Masks the user part of every `scheme://user:password@host` in `text` (`https://***@host`).
 * A bare ssh user (`ssh://git@host`) is kept: it is a login name, not a secret; an https user
 * alone is masked because tokens are often passed as the user (`https://<token>@github.com`).
 * Returns the text; pure, never throws.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => {
    const isSsh = /^(?:ssh|git\+ssh|ssh\+git):\/\/$/i.test(scheme);
    if (isSsh && !userinfo.includes(':') && !userinfo.includes('@')) return `${scheme}${userinfo}@`;
    return `${scheme}${MASK}@`;
  });
}

/** The input as it may appear in a message: everything up to the last `@` masked, one line. */
function describe(input: string): string {
  const at = input.lastIndexOf('@');
  let shown = input;
  if (at >= 0) {
    const schemeEnd = input.indexOf('://');
    const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
    shown = `${input.slice(0, start)}${MASK}${input.slice(at)}`;
  }
  if (shown.length > 200) shown = `${shown.slice(0, 200)}…`;
  return JSON.stringify(shown);
}

function fail(input: string, why: string): never {
  throw new PrefectGitError('E_REMOTE_URL', `cannot parse the git remote URL ${describe(input)}: ${why}`, {
    hint: 'fix the remote (git remote -v) or pass --repo-host and --repo (e.g. --repo-host github.com --repo acme/flows)',
  });
}

/** Repository path as Prefect wants it: no leading or trailing `/`, no `.git`. */
function normalizePath(raw: string): string {
  let path = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path.endsWith('.git')) path = path.slice(0, -4).replace(/\/+$/, '');
  return path;
}

function checkHost(input: string, host: string): string {
  if (!HOSTNAME.test(host) && !IPV6_HOST.test(host)) fail(input, host === '' ? 'no host' : 'the host name is not valid');
  return host.toLowerCase();
}

function parsePort(input: string, text: string): number | undefined {
  if (text === '') return undefined;
  if (!/^\d{1,5}$/.test(text)) fail(input, 'the port is not a number');
  const port = Number(text);
  if (port < 1 || port > 65535) fail(input, 'the port is out of range');
  return port;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` → host and port. */
function splitHostPort(input: string, hostport: string): { host: string; port: number | undefined } {
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) fail(input, 'unclosed "[" in the host');
    const rest = hostport.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) fail(input, 'unexpected text after the host');
    return { host: checkHost(input, hostport.slice(0, close + 1)), port: parsePort(input, rest.slice(1)) };
  }
  const colon = hostport.indexOf(':');
  if (colon < 0) return { host: checkHost(input, hostport), port: undefined };
  return { host: checkHost(input, hostport.slice(0, colon)), port: parsePort(input, hostport.slice(colon + 1)) };
}

function info(fields: Omit<RemoteInfo, 'port' | 'user'> & { port: number | undefined; user: string | undefined }): RemoteInfo {
  const out: RemoteInfo = { protocol: fields.protocol, host: fields.host, path: fields.path, safeUrl: fields.safeUrl };
  if (fields.port !== undefined) out.port = fields.port;
  if (fields.user !== undefined && fields.user !== '') out.user = fields.user;
  return out;
}

function parseSchemeUrl(input: string, schemeText: string, rest: string): RemoteInfo {
  const protocol = SCHEMES[schemeText.toLowerCase()];
  if (protocol === undefined) fail(input, `unsupported scheme "${schemeText}"`);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const rawPath = slash < 0 ? '' : rest.slice(slash);
  if (protocol === 'file') {
    if (authority !== '' && authority.toLowerCase() !== 'localhost') fail(input, 'file URLs must not name a host');
    const path = normalizePath(rawPath);
    if (path === '') fail(input, 'no repository path');
    return info({ protocol, host: '', port: undefined, path, user: undefined, safeUrl: `file://${rawPath}` });
  }
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const { host, port } = splitHostPort(input, authority.slice(at + 1));
  // Only an ssh login name survives; an http(s) user is often the token itself.
  const user = protocol === 'ssh' && userinfo !== '' ? userinfo.split(':')[0] : undefined;
  const path = normalizePath(rawPath);
  if (path === '') fail(input, 'no repository path');
  const hostport = port === undefined ? host : `${host}:${port}`;
  const safeUrl = `${schemeText.toLowerCase()}://${user ? `${user}@` : ''}${hostport}${rawPath}`;
  return info({ protocol, host, port, path, user, safeUrl });
}

/** `[user@]host:path`: tries each `@` from the right until what follows is `host:`. */
function parseScpLike(input: string): RemoteInfo | undefined {
  const firstSlash = input.indexOf('/');
  const head = firstSlash < 0 ? input : input.slice(0, firstSlash);
  const starts = [...head.matchAll(/@/g)].map((m) => m.index + 1).reverse();
  starts.push(0);
  for (const start of starts) {
    const after = input.slice(start);
    const match = /^(\[[^\]]+\]|[^:/[\]@]+):(.*)$/s.exec(after);
    if (!match) continue;
    const hostText = match[1] ?? '';
    if (!HOSTNAME.test(hostText) && !IPV6_HOST.test(hostText)) continue;
    const userinfo = start === 0 ? '' : input.slice(0, start - 1);
    const user = userinfo === '' ? undefined : userinfo.split(':')[0];
    const rawPath = match[2] ?? '';
    const path = normalizePath(rawPath);
    if (path === '') fail(input, 'no repository path');
    const host = hostText.toLowerCase();
    return info({ protocol: 'ssh', host, port: undefined, path, user, safeUrl: `${user ? `${user}@` : ''}${host}:${rawPath}` });
  }
  return undefined;
}

/**
 * Parses a git remote URL: `https://[user[:token]@]host[:port]/path`, `http://…`,
 * `ssh://[user@]host[:port]/path`, `git+ssh://…`, scp-like `[user@]host:path`, `git://host/path`,
 * `file:///path` and local paths (protocol `file`, empty host). A trailing `/` and `.git` are
 * removed from `path`; subgroups are kept (`group/sub/repo`). Credentials are dropped: only an
 * ssh login name is kept (`user`), never a password or token, and `safeUrl` has none.
 * Returns the parsed {@link RemoteInfo}; pure.
 * @throws PrefectGitError E_REMOTE_URL for anything else (remote helpers `x::…`, unknown schemes,
 *   bad hosts or ports, no path); the message masks the user part and the hint names
 *   `--repo-host`/`--repo`.
 */
export function parseRemoteUrl(url: string): RemoteInfo {
  const input = url.trim();
  if (input === '') fail(input, 'it is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input);
  if (scheme) {
    const schemeText = scheme[1] ?? '';
    if (/\s/.test(input)) fail(input, 'it contains whitespace');
    return parseSchemeUrl(input, schemeText, input.slice(scheme[0].length));
  }
  if (/^[a-z][a-z0-9+.-]*::/i.test(input)) fail(input, 'git remote helpers (transport::address) are not supported');
  // Windows drive paths (`C:\x`, `C:/x`) and anything with `/` before the first `:` are local.
  const colon = input.indexOf(':');
  const slash = input.search(/[/\\]/);
  const isLocal = colon < 0 || (slash >= 0 && slash < colon) || /^[a-z]:[\\/]/i.test(input);
  if (isLocal) {
    const path = normalizePath(input.replace(/\\/g, '/'));
    if (path === '') fail(input, 'no repository path');
    return info({ protocol: 'file', host: '', port: undefined, path, user: undefined, safeUrl: input });
  }
  if (/\s/.test(input.slice(0, colon))) fail(input, 'it contains whitespace');
  return parseScpLike(input) ?? fail(input, 'not a URL, an scp-like address (user@host:path) or a local path');
}

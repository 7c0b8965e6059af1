/**
 * Prefect 1.4.1's Git storage object (reference §1.8, §6), built from the resolved ref and the
 * remote. Prefect rebuilds the clone URL at run time from these fields (§6.2):
 *
 *   https: `https://{git_token_username}:{token}@{repo_host}/{repo}.git`
 *   ssh:   `git@{repo_host}:{repo}.git`
 *
 * so `repo_host` carries a port only where that URL can use it: a non-default https port is kept
 * (`git.example.com:8443`); for ssh, scp-like syntax has no port, so an ssh remote on a custom
 * port is refused unless `repoHost` is given (an ~/.ssh/config Host alias, for instance).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PrefectGitError } from '../errors.js';
import { assertRefName } from '../git/ref-name.js';
import type { RemoteInfo } from '../git/types.js';
import type { GitStorage } from './types.js';

/** Input of {@link buildGitStorage}. */
export interface BuildGitStorageOptions {
  /** The parsed remote (parseRemoteUrl); supplies `repo_host` and `repo` unless overridden. */
  remote?: RemoteInfo | undefined;
  /** `--repo-host`, taken as given (may include `:port`). */
  repoHost?: string | undefined;
  /** `--repo`, `owner/name` or `group/sub/name`; a trailing `.git` is removed (Prefect adds it). */
  repo?: string | undefined;
  ref: { type: 'branch' | 'tag'; name: string };
  /** Repo-relative POSIX path of the flow file (see {@link toFlowPath}). */
  flowPath: string;
  flowName: string;
  /** Name of the Prefect Secret holding the git token. */
  tokenSecret?: string | null | undefined;
  /** `git_token_username`; when absent a host-aware default is used (see module docs). */
  tokenUsername?: string | null | undefined;
  useSsh?: boolean | undefined;
  /** `__version__`; default `1.4.1`. */
  prefectVersion?: string | undefined;
}

function configError(message: string, hint: string): PrefectGitError {
  return new PrefectGitError('E_CONFIG', message, { hint });
}

/**
 * Returns `path` when it is a normalized repo-relative POSIX path (no leading `/`, no `\`, no
 * drive letter, no empty, `.` or `..` segment). Prefect joins it to the clone directory with
 * os.path.join, so an absolute path would escape the clone (§6.1).
 * @throws PrefectGitError E_CONFIG otherwise.
 */
export function assertFlowPath(path: string): string {
  const bad =
    path === '' ? 'it is empty'
    : path.startsWith('/') || /^[a-z]:/i.test(path) ? 'it is absolute'
    : path.includes('\\') ? 'it contains "\\"'
    : path.split('/').some((s) => s === '' || s === '.' || s === '..') ? 'it has an empty, "." or ".." segment'
    : undefined;
  if (bad !== undefined) {
    throw configError(`invalid flow path ${JSON.stringify(path)}: ${bad}`, 'give the flow file relative to the repository root with "/" separators, e.g. flows/etl.py');
  }
  return path;
}

/**
 * Returns the repo-relative POSIX path of `absOrRelPath` (relative paths are taken from `cwd`),
 * whatever the cwd. Pure path arithmetic: symlinked paths are not resolved, so pass the repo
 * root and cwd as the same kind of path (git reports the physical root; so does process.cwd()).
 * @throws PrefectGitError E_CONFIG when the path is the root itself or outside the repository.
 */
export function toFlowPath(repoRoot: string, absOrRelPath: string, cwd: string): string {
  const rel = relative(resolve(repoRoot), resolve(cwd, absOrRelPath));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw configError(`${absOrRelPath} is not a file inside the repository`, 'flow files must be committed in the repository that is registered');
  }
  return assertFlowPath(rel.split(sep).join('/'));
}

function hostWithoutPort(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? host);
}

function repoHostFrom(remote: RemoteInfo, useSsh: boolean): string {
  if (remote.protocol === 'file' || remote.host === '') {
    throw configError('the git remote is a local path, which flow runs cannot clone', 'pass --repo-host and --repo (e.g. --repo-host github.com --repo acme/flows)');
  }
  const port = remote.port;
  if (useSsh) {
    if (remote.protocol === 'ssh' && port !== undefined && port !== 22) {
      throw configError(
        `the remote uses ssh port ${port}, but Prefect's ssh clone URL (git@host:repo.git) cannot carry a port`,
        'pass --repo-host with a Host alias from ~/.ssh/config in the run environment, or clone over https',
      );
    }
    return remote.host;
  }
  // Only an http(s) port applies to Prefect's https URL; an ssh or git:// port does not.
  const keep = (remote.protocol === 'https' && port !== undefined && port !== 443) || (remote.protocol === 'http' && port !== undefined && port !== 80);
  return keep ? `${remote.host}:${port}` : remote.host;
}

/**
 * The token username used when none is given: the repository owner (Prefect's own default)
 * except on GitLab (`oauth2`) and Bitbucket (`x-token-auth`), whose access tokens need those.
 * Host rules apply only when a token secret is set over https; otherwise the field is unused and
 * Prefect's default is kept. Returns the username; pure.
 */
export function defaultTokenUsername(repoHost: string, repo: string, tokenUsed: boolean): string {
  const owner = repo.split('/')[0] ?? repo;
  if (!tokenUsed) return owner;
  const host = hostWithoutPort(repoHost).toLowerCase();
  if (host.includes('gitlab')) return 'oauth2';
  if (host.includes('bitbucket')) return 'x-token-auth';
  return owner;
}

function checkRepoHost(host: string): string {
  if (host === '' || /[\s/@]/.test(host)) {
    throw configError(`invalid repo host ${JSON.stringify(host.includes('@') ? '***' : host)}`, '--repo-host takes a host name with an optional :port, e.g. github.com or git.example.com:8443');
  }
  return host;
}

function checkRepo(repo: string): string {
  const path = repo.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (path === '' || /\s|:\/\/|@/.test(path) || path.split('/').some((s) => s === '' || s === '..')) {
    throw configError('invalid repo: expected a repository path such as acme/flows', '--repo takes owner/name (or group/sub/name), not a URL');
  }
  return path;
}

/**
 * Builds Prefect's serialized Git storage for one flow: `flows = {flowName: flowPath}`,
 * `flow_name` always set (files with several flows need it, §6.4), `branch_name` xor `tag`,
 * `commit` null (Prefect ignores it, §6.3), `clone_depth` 1, `format_access_token` true.
 * Returns the object with keys in Prefect's declaration order.
 * @throws PrefectGitError E_CONFIG (no repo and no remote, local-path remote, bad repo/host,
 *   ssh port, bad flow path or empty flow name), E_REF_NAME (invalid ref name).
 */
export function buildGitStorage(options: BuildGitStorageOptions): GitStorage {
  const useSsh = options.useSsh ?? false;
  const { remote } = options;
  if (options.repo === undefined && remote === undefined) {
    throw configError('no repository to register: no git remote and no --repo', 'add a remote (git remote add origin <url>) or pass --repo-host and --repo');
  }
  const repoHost = checkRepoHost(options.repoHost ?? (remote ? repoHostFrom(remote, useSsh) : 'github.com'));
  if (options.repo === undefined && remote?.protocol === 'file') {
    throw configError('the git remote is a local path, which flow runs cannot clone', 'pass --repo-host and --repo (e.g. --repo-host github.com --repo acme/flows)');
  }
  const repo = checkRepo(options.repo ?? remote?.path ?? '');
  const flowPath = assertFlowPath(options.flowPath);
  if (options.flowName.trim() === '') throw configError('the flow name is empty', 'give every flow a name: Flow("my-flow")');
  assertRefName(options.ref.name, options.ref.type);
  const tokenSecret = options.tokenSecret || null;
  const username = options.tokenUsername || defaultTokenUsername(repoHost, repo, tokenSecret !== null && !useSsh);
  return {
    flows: { [options.flowName]: flowPath },
    secrets: [],
    flow_path: flowPath,
    repo,
    repo_host: repoHost,
    flow_name: options.flowName,
    git_token_secret_name: tokenSecret,
    git_token_username: username,
    git_clone_url_secret_name: null,
    branch_name: options.ref.type === 'branch' ? options.ref.name : null,
    tag: options.ref.type === 'tag' ? options.ref.name : null,
    commit: null,
    clone_depth: 1,
    use_ssh: useSsh,
    format_access_token: true,
    __version__: options.prefectVersion ?? '1.4.1',
    type: 'Git',
  };
}

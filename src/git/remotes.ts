/**
 * The remote facts of a repository: configured remotes and their URLs, the branches and tags on
 * a remote, its default branch, and fetching refs from it. Runs git only through the calls
 * repo.ts (the one simple-git importer) hands in, so these share its cache and timeout.
 */
import { PrefectGitError } from '../errors.js';
import { assertRefName, refuseOption } from './ref-name.js';
import type { RemoteRefs } from './ls-remote.js';
import { parseLsRemote } from './ls-remote.js';

/** What the remote facts need from repo.ts. */
export interface RemoteGitCalls {
  /** One git call per fact: later callers share the first call's promise. */
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** git's stdout, or `undefined` when git exits non-zero. */
  tryRaw(args: string[]): Promise<string | undefined>;
  /** git's stdout; any failure (exit, timeout) becomes E_GIT `git <what> failed: …` with `hint`. */
  runOr(args: string[], what: string, hint: string): Promise<string>;
  isShallow(): Promise<boolean>;
}

/** Remote name → URL from `git config --get-regexp` output; the first URL of a remote wins. */
export function parseRemoteUrls(text: string): Map<string, string> {
  const table = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^remote\.(.+)\.url (.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined && !table.has(m[1])) table.set(m[1], m[2]);
  }
  return table;
}

/** The `GitRepo` remote methods; see git-repo.ts for what each returns and throws. */
export class RemoteFacts {
  constructor(private readonly git: RemoteGitCalls) {}

  /**
   * Remote names and their URLs as configured (`remote.<name>.url`), before `url.*.insteadOf`
   * rewriting: CI often rewrites URLs to inject credentials or mirrors, while the configured URL
   * names the repository flow runs should clone.
   */
  private table(): Promise<Map<string, string>> {
    return this.git.once('remotes', async () => parseRemoteUrls((await this.git.tryRaw(['config', '--get-regexp', '^remote\\..*\\.url$'])) ?? ''));
  }

  async remotes(): Promise<string[]> {
    return [...(await this.table()).keys()];
  }

  async remoteUrl(name: string): Promise<string | undefined> {
    return (await this.table()).get(name);
  }

  private async knownRemote(remote: string): Promise<void> {
    refuseOption(remote, 'remote name');
    const names = await this.remotes();
    if (!names.includes(remote)) {
      const known = names.length > 0 ? `configured remotes: ${names.join(', ')}` : 'no remote is configured';
      throw new PrefectGitError('E_NO_REMOTE', `git remote "${remote}" does not exist (${known})`, {
        hint: names.length > 0 ? `pass --remote ${names[0]} or add it: git remote add ${remote} <url>` : `add one: git remote add ${remote} <url>, then push`,
      });
    }
  }

  lsRemote(remote: string): Promise<RemoteRefs> {
    return this.git.once(`ls-remote:${remote}`, async () => {
      await this.knownRemote(remote);
      const hint = `check that remote "${remote}" is reachable and your credentials work: git ls-remote ${remote}`;
      return parseLsRemote(await this.git.runOr(['ls-remote', '--heads', '--tags', '--', remote], `ls-remote ${remote}`, hint));
    });
  }

  remoteDefaultBranch(remote: string): Promise<string | undefined> {
    return this.git.once(`default:${remote}`, async () => {
      await this.knownRemote(remote);
      const local = (await this.git.tryRaw(['symbolic-ref', '-q', `refs/remotes/${remote}/HEAD`]))?.trim();
      const prefix = `refs/remotes/${remote}/`;
      if (local?.startsWith(prefix)) return local.slice(prefix.length);
      const out = await this.git.tryRaw(['ls-remote', '--symref', '--', remote, 'HEAD']);
      const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out ?? '');
      return m?.[1];
    });
  }

  async fetchRefs(remote: string, refs: ReadonlyArray<{ type: 'branch' | 'tag'; name: string }>): Promise<void> {
    if (refs.length === 0) return;
    await this.knownRemote(remote);
    // Full ref names without a destination: nothing local is overwritten (tags included), only
    // FETCH_HEAD and the object store (and remote-tracking branches, as any fetch does).
    const specs = refs.map((ref) => {
      assertRefName(ref.name, ref.type);
      return `refs/${ref.type === 'branch' ? 'heads' : 'tags'}/${ref.name}`;
    });
    const depth = (await this.git.isShallow()) ? ['--depth=1'] : [];
    const hint = `check that remote "${remote}" is reachable and your credentials work: git fetch ${remote}`;
    await this.git.runOr(['fetch', '--quiet', '--no-tags', ...depth, '--', remote, ...specs], `fetch ${remote}`, hint);
  }
}

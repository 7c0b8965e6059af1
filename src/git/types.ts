/** The ref a flow run will clone. */
export interface ResolvedRef {
  type: 'branch' | 'tag';
  name: string;
  /** 40-hex commit the ref points at locally (HEAD for the active branch). */
  commit: string;
  /** Which rule chose it: `flag`, `BUILD_TAG`, `GIT_BRANCH`, `active-branch`, `ci:<provider>`. */
  source: string;
}

/** One step of ref resolution, for `prefect-git ref` to explain which rule won and why. */
export interface TrailEntry {
  rule: string;
  outcome: string;
}

export interface RefResolution {
  ref: ResolvedRef;
  trail: TrailEntry[];
}

/** A parsed git remote URL, credentials removed. */
export interface RemoteInfo {
  protocol: 'https' | 'http' | 'ssh' | 'git' | 'file';
  host: string;
  port?: number | undefined;
  /** Repository path without leading slash, trailing slash or `.git`, e.g. `group/sub/repo`. */
  path: string;
  /** The user of an ssh URL (`git` in `git@host:path`); never a password or token. */
  user?: string | undefined;
  /** The URL with credentials removed, safe to print. */
  safeUrl: string;
}

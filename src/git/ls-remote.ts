/** `git ls-remote` output, parsed. Pure. */

/** A tag on a remote, from `git ls-remote`. */
export interface RemoteTag {
  name: string;
  /** What the tag ref points at: the tag object for annotated tags, else the commit. */
  object: string;
  /** The commit after peeling (the `^{}` line for annotated tags). */
  commit: string;
  annotated: boolean;
}

/** Branches and tags of a remote: short name → commit / tag. */
export interface RemoteRefs {
  heads: ReadonlyMap<string, string>;
  tags: ReadonlyMap<string, RemoteTag>;
}

const REF_LINE = /^([0-9a-f]{40}(?:[0-9a-f]{24})?)\t(\S+)$/;

/**
 * Parses `git ls-remote --heads --tags` output into branches and tags (annotated tags peeled
 * through their `^{}` line); other lines are ignored. Pure; exported for tests.
 */
export function parseLsRemote(text: string): RemoteRefs {
  const heads = new Map<string, string>();
  const tags = new Map<string, RemoteTag>();
  const peeled = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = REF_LINE.exec(line.trim());
    if (!m) continue;
    const [, sha = '', ref = ''] = m;
    if (ref.startsWith('refs/heads/')) heads.set(ref.slice(11), sha);
    else if (ref.startsWith('refs/tags/') && ref.endsWith('^{}')) peeled.set(ref.slice(10, -3), sha);
    else if (ref.startsWith('refs/tags/')) tags.set(ref.slice(10), { name: ref.slice(10), object: sha, commit: sha, annotated: false });
  }
  for (const [name, commit] of peeled) {
    const tag = tags.get(name);
    if (tag) tags.set(name, { ...tag, commit, annotated: true });
  }
  return { heads, tags };
}

/**
 * Reads many blobs with one `git cat-file --batch` process: reading a thousand flow files at a
 * commit with one `git show` each would spend seconds on process start-up alone. Used only by
 * repo.ts, the git room's door.
 */
import { spawn } from 'node:child_process';
import { PrefectGitError } from '../errors.js';

/**
 * The child environment without GIT_* variables, as simple-git does for repo.ts: an ambient
 * GIT_DIR or GIT_WORK_TREE (set inside git hooks, for instance) would point git elsewhere.
 */
function gitEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toUpperCase().startsWith('GIT_')));
}

/** Parses `cat-file --batch` output: `<sha> <type> <size>\n<bytes>\n` or `<name> missing\n`. */
function parseBatch(output: Buffer, keys: readonly string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  let offset = 0;
  for (const key of keys) {
    const newline = output.indexOf(0x0a, offset);
    if (newline < 0) break;
    const header = output.subarray(offset, newline).toString('utf8');
    offset = newline + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) continue; // "<object> missing" (or ambiguous): not in this repository
    const size = Number(match[2]);
    if (match[1] === 'blob') result.set(key, output.subarray(offset, offset + size));
    offset += size + 1;
  }
  return result;
}

/** Contents of the blobs `objects` names (blob ids, or `<commit>:<path>`), keyed by `key`; missing objects and non-blobs are left out. */
export function readBlobs(cwd: string, objects: ReadonlyArray<{ key: string; object: string }>): Promise<Map<string, Buffer>> {
  if (objects.length === 0) return Promise.resolve(new Map<string, Buffer>());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => reject(new PrefectGitError('E_GIT', `cannot run git cat-file: ${error.message}`, { hint: 'Is git installed and on PATH?' })));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new PrefectGitError('E_GIT', `git cat-file failed: ${stderr.split('\n')[0] ?? ''}`, { hint: `run git cat-file in ${cwd} to see the whole error` }));
        return;
      }
      resolve(parseBatch(Buffer.concat(chunks), objects.map((o) => o.key)));
    });
    // Paths with a newline cannot be asked for in batch mode; they are reported as missing.
    child.stdin.end(objects.map((o) => (o.object.includes('\n') ? 'missing-path-with-newline' : o.object)).join('\n') + '\n');
  });
}

/**
 * Writes the tree of `commit` into `dir` (`git archive | tar -x`), without touching the
 * repository's index, work tree or worktree list: the python loader then imports exactly what
 * flow runs will clone.
 */
export function exportTree(cwd: string, commit: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    archive.stdout.pipe(tar.stdin);
    const fail = (what: string) => (error: Error) =>
      reject(new PrefectGitError('E_GIT', `cannot ${what}: ${error.message}`, { hint: 'git and tar must be on PATH for the python loader to read a commit; or pass --worktree.' }));
    archive.on('error', fail('run git archive'));
    tar.on('error', fail('run tar'));
    // Both processes must have ended, in whatever order, before the tree is known to be complete.
    const codes: Array<number | null> = [];
    const closed = (code: number | null): void => {
      codes.push(code);
      if (codes.length < 2) return;
      if (codes.every((c) => c === 0)) resolve();
      else reject(new PrefectGitError('E_GIT', `could not export ${commit.slice(0, 7)}: ${stderr.split('\n')[0] ?? ''}`, { hint: 'Pass --worktree to let the python loader read the working tree instead.' }));
    };
    archive.on('close', closed);
    tar.on('close', closed);
  });
}

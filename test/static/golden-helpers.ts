/** Shared helpers for the static loader tests: golden fixtures and a storage factory. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGitStorage } from '../../src/storage/git-storage.js';
import type { GitStorage } from '../../src/storage/types.js';

export const GOLDEN = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
export const FLOWS = join(GOLDEN, 'flows');

export interface GoldenCase {
  /** Folder under serialized/ (e.g. `my_flows/hello_flow.tag-v1.2.0`). */
  dir: string;
  flowName: string;
  flowPath: string;
  jsonText: string;
  idempotencyKey: string;
  ref: { type: 'branch' | 'tag'; name: string };
}

interface Meta {
  flow_name: string;
  flow_path: string;
  idempotency_key: string;
  storage_args: { branch_name: string | null; tag: string | null };
}

/** Every golden flow (one per `.meta.json`). */
export function goldenCases(): GoldenCase[] {
  const out: GoldenCase[] = [];
  const root = join(GOLDEN, 'serialized');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.meta.json')) {
        const meta = JSON.parse(readFileSync(join(root, rel), 'utf8')) as Meta;
        const jsonPath = join(root, rel.replace(/\.meta\.json$/, '.json'));
        out.push({
          dir,
          flowName: meta.flow_name,
          flowPath: meta.flow_path,
          jsonText: readFileSync(jsonPath, 'utf8').replace(/\n$/, ''),
          idempotencyKey: meta.idempotency_key,
          ref: meta.storage_args.tag ? { type: 'tag', name: meta.storage_args.tag } : { type: 'branch', name: meta.storage_args.branch_name ?? 'main' },
        });
      }
    }
  };
  walk('');
  return out.sort((a, b) => (a.dir + a.flowName < b.dir + b.flowName ? -1 : 1));
}

/** The storage the goldens were registered with. */
export function goldenStorage(ref: { type: 'branch' | 'tag'; name: string }): (flow: { name: string; flowPath: string }) => GitStorage {
  return ({ name, flowPath }) => buildGitStorage({
    repoHost: 'github.com', repo: 'acme/data-flows', ref, flowPath, flowName: name, tokenSecret: 'GITHUB_ACCESS_TOKEN',
  });
}

/** Reads files of the golden flows folder as a repository. */
export function readGoldenRepoFile(path: string): Promise<Buffer | undefined> {
  const full = join(FLOWS, path);
  return Promise.resolve(existsSync(full) ? readFileSync(full) : undefined);
}

export function goldenFile(flowPath: string): { path: string; content: Buffer } {
  return { path: flowPath, content: readFileSync(join(FLOWS, flowPath)) };
}

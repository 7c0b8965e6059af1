/**
 * A flows repository as users have it: the golden flow files at the root, committed and pushed
 * to a bare `origin` whose configured URL is the GitHub address the goldens were made with
 * (`url.<bare>.insteadOf` sends git's own traffic to the bare repository).
 */
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePyJson } from '../../src/prefect/pyjson.js';
import type { PyValue } from '../../src/prefect/py-value.js';
import type { TestRepo } from '../git/helpers.js';
import { createRepo } from '../git/helpers.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
export const GITHUB_URL = 'https://github.com/acme/data-flows.git';

/** A repo holding the golden flows (or the given subset of folders), pushed to origin on main. */
export function goldenFlowsRepo(folders?: string[]): TestRepo {
  const repo = createRepo({ commits: 0 });
  const source = join(GOLDEN, 'flows');
  for (const folder of folders ?? readdirSync(source)) cpSync(join(source, folder), join(repo.dir, folder), { recursive: true });
  repo.git('remote', 'set-url', 'origin', GITHUB_URL);
  repo.git('config', `url.${repo.origin!}.insteadOf`, GITHUB_URL);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'flows');
  repo.git('push', '-q', 'origin', 'main');
  return repo;
}

/** The golden serialization of a flow (`folder/file` without `.py`, flow name). */
export function goldenFlow(file: string, flow: string): PyValue {
  return parsePyJson(readFileSync(join(GOLDEN, 'serialized', file, `${flow}.json`), 'utf8'));
}

/** The golden idempotency key of a flow. */
export function goldenKey(file: string, flow: string): string {
  const meta = JSON.parse(readFileSync(join(GOLDEN, 'serialized', file, `${flow}.meta.json`), 'utf8')) as { idempotency_key: string };
  return meta.idempotency_key;
}

/** Every golden flow of the branch `main` variant (the `.tag-` folders left out), by file and name. */
export function goldenFlows(): Array<{ file: string; flow: string }> {
  const serialized = join(GOLDEN, 'serialized');
  const out: Array<{ file: string; flow: string }> = [];
  for (const group of readdirSync(serialized)) {
    for (const folder of readdirSync(join(serialized, group))) {
      if (folder.includes('.tag-')) continue;
      for (const name of readdirSync(join(serialized, group, folder))) {
        if (name.endsWith('.json') && !name.endsWith('.meta.json')) out.push({ file: `${group}/${folder}`, flow: name.slice(0, -'.json'.length) });
      }
    }
  }
  return out;
}

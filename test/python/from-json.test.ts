/** `--from-json flows.json` (prefect build's format) against the golden flows of real Prefect 1.4.1. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PrefectGitError } from '../../src/errors.js';
import { loadFlowsFromJson, type GitStorageArgs } from '../../src/flows/python/index.js';
import { idempotencyKey } from '../../src/prefect/payload.js';
import type { PyObject } from '../../src/prefect/py-value.js';
import { parsePyJson, pyjsonDumps } from '../../src/prefect/pyjson.js';
import { STORAGE } from './helpers.js';

const SERIALIZED = fileURLToPath(new URL('../fixtures/golden/serialized/', import.meta.url));

interface Golden {
  flow: PyObject;
  key: string;
  storage: GitStorageArgs;
  flowPath: string;
}

/** Every golden flow, with the storage arguments and key real Prefect used. */
function goldens(): Golden[] {
  const out: Golden[] = [];
  for (const group of readdirSync(SERIALIZED).sort()) {
    for (const folder of readdirSync(join(SERIALIZED, group)).sort()) {
      for (const file of readdirSync(join(SERIALIZED, group, folder)).sort()) {
        if (!file.endsWith('.json') || file.endsWith('.meta.json')) continue;
        const dir = join(SERIALIZED, group, folder);
        const meta = JSON.parse(readFileSync(join(dir, file.replace(/\.json$/, '.meta.json')), 'utf8')) as {
          idempotency_key: string;
          storage_args: { branch_name: string | null; tag: string | null; flow_path: string };
        };
        out.push({
          flow: parsePyJson(readFileSync(join(dir, file), 'utf8')) as PyObject,
          key: meta.idempotency_key,
          storage: { ...STORAGE, branch_name: meta.storage_args.branch_name, tag: meta.storage_args.tag },
          flowPath: meta.storage_args.flow_path,
        });
      }
    }
  }
  return out;
}

/** A deep copy that keeps PyFloat (structuredClone would turn it into a plain object). */
function clone(flow: PyObject): PyObject {
  return parsePyJson(pyjsonDumps(flow)) as PyObject;
}

/** `prefect build`'s output: `json.dump({"version": 1, "flows": [...]}, sort_keys=True)`. */
function flowsJson(flows: PyObject[], version = 1): string {
  const path = join(mkdtempSync(join(tmpdir(), 'prefect-git-json-')), 'flows.json');
  writeFileSync(path, pyjsonDumps({ version, flows }, { sortKeys: true }));
  return path;
}

/** The storage a `prefect build -p <file>` without storage in the file writes (Local, as script). */
function localStorage(name: string, path: string): PyObject {
  return { flows: { [name]: path }, secrets: [], directory: '/home/user/.prefect/flows', path, stored_as_script: true, __version__: '1.4.1', type: 'Local' };
}

describe('loadFlowsFromJson', () => {
  const all = goldens();

  it('has the golden flows to test with', () => {
    expect(all.length).toBeGreaterThanOrEqual(21);
  });

  it('gives back the golden flows and golden keys when the storage is kept', async () => {
    const result = await loadFlowsFromJson({ path: flowsJson(all.map((g) => clone(g.flow))) });
    expect(result.errors).toEqual([]);
    expect(result.flows.map((f) => f.serialized)).toEqual(all.map((g) => g.flow));
    expect(result.flows.map((f) => f.idempotencyKey)).toEqual(all.map((g) => g.key));
    expect(result.flows.map((f) => f.flowPath)).toEqual(all.map((g) => g.flowPath));
  });

  it("replaces a Local script storage with prefect-git's Git storage: golden flows and keys", async () => {
    for (const golden of all) {
      const name = golden.flow.name as string;
      // Half the flows carry an absolute path, as `prefect build -p /abs/repo/<file>` writes it.
      const path = golden.flowPath.length % 2 === 0 ? golden.flowPath : `/abs/repo/${golden.flowPath}`;
      const built = { ...clone(golden.flow), storage: localStorage(name, path) };
      const text = pyjsonDumps({ version: 1, flows: [built] }, { sortKeys: true });
      const result = await loadFlowsFromJson({ text, storage: golden.storage, repoRoot: '/abs/repo' });
      expect(result.errors).toEqual([]);
      expect(result.flows[0]?.serialized).toEqual(golden.flow);
      expect(result.flows[0]?.idempotencyKey).toBe(golden.key);
    }
  });

  it('merges labels as sorted(set(existing) | set(labels)) and re-keys the flow', async () => {
    const golden = all[0]!;
    const flow = clone(golden.flow);
    (flow.run_config as PyObject).labels = ['zeta', 'beta'];
    const result = await loadFlowsFromJson({ text: pyjsonDumps({ version: 1, flows: [flow] }), labels: ['alpha', 'zeta', 'Ärger'] });
    const out = result.flows[0]!;
    expect((out.serialized.run_config as PyObject).labels).toEqual(['alpha', 'beta', 'zeta', 'Ärger']);
    expect(out.idempotencyKey).toBe(idempotencyKey(out.serialized));
    expect(out.idempotencyKey).not.toBe(golden.key);
  });

  it('keeps only the named flows', async () => {
    const result = await loadFlowsFromJson({ text: pyjsonDumps({ version: 1, flows: all.map((g) => g.flow) }), names: ['ingest-flow'] });
    expect(result.flows.map((f) => f.name)).toEqual(['ingest-flow']);
  });

  it("reports a bad file with prefect register's messages", async () => {
    const bad = async (text: string): Promise<PrefectGitError> => {
      const error = await loadFlowsFromJson({ text, path: 'flows.json' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrefectGitError);
      return error as PrefectGitError;
    };
    for (const text of ['not json', '[]', '{"flows": []}', '{"version": 1, "flows": [{"tasks": []}]}']) {
      const error = await bad(text);
      expect(error.code).toBe('E_FLOW_LOAD');
      expect(error.message).toBe("'flows.json' is not a valid Prefect flows `json` file.");
    }
    expect((await bad('{"version": 2, "flows": []}')).message).toBe("'flows.json' is version 2, only version 1 is supported");
    const missing = await loadFlowsFromJson({ path: '/no/such/flows.json' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'E_PATH_NOT_FOUND', message: "Path '/no/such/flows.json' doesn't exist" });
  });

  it('reports flows it cannot prepare, and keeps the others', async () => {
    const good = clone(all[0]!.flow);
    const noRunConfig = { ...clone(good), name: 'no-run-config', run_config: null };
    const moduleStorage = { ...clone(good), name: 'module-flow', storage: { flows: {}, secrets: [], module: 'pkg.flows', __version__: '1.4.1', type: 'Module' } };
    const result = await loadFlowsFromJson({ text: pyjsonDumps({ version: 1, flows: [noRunConfig, moduleStorage, good] }), storage: STORAGE });
    expect(result.flows.map((f) => f.name)).toEqual([good.name]);
    expect(result.errors.map((e) => [e.flow, e.code])).toEqual([
      ['no-run-config', 'E_FLOW_LOAD'],
      ['module-flow', 'E_FLOW_LOAD'],
    ]);
    expect(result.errors[1]?.message).toMatch(/cannot tell which file defines flow 'module-flow'/);
  });
});

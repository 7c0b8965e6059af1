import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressFlow, decompressFlow, idempotencyKey, idempotencyKeyOfText } from '../../src/prefect/payload.js';
import { pyFloat } from '../../src/prefect/py-value.js';
import { parsePyJson, pyjsonDumps } from '../../src/prefect/pyjson.js';

const serializedDir = new URL('../fixtures/golden/serialized/', import.meta.url);

interface GoldenMeta {
  flow_name: string;
  idempotency_key: string;
  compressed: string;
  compressed_json_text: string;
}

const goldens = readdirSync(fileURLToPath(serializedDir), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.meta.json'))
  .map((file) => file.split('\\').join('/'))
  .sort()
  .map((metaFile) => ({
    name: metaFile.slice(0, -'.meta.json'.length),
    text: readFileSync(new URL(metaFile.replace(/\.meta\.json$/, '.json'), serializedDir), 'utf8'),
    meta: JSON.parse(readFileSync(new URL(metaFile, serializedDir), 'utf8')) as GoldenMeta,
  }));

describe('golden flows (Prefect 1.4.1)', () => {
  it('finds the fixtures', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(21);
  });

  describe.each(goldens)('$name', ({ text, meta }) => {
    it('re-dumps with sort_keys=True, indent=2 to the exact file text', () => {
      // The golden files end with one newline that json.dumps itself does not write.
      expect(text.endsWith('}\n')).toBe(true);
      expect(pyjsonDumps(parsePyJson(text), { sortKeys: true, indent: 2 }) + '\n').toBe(text);
    });

    it('gives the idempotency key prefect register computed', () => {
      expect(idempotencyKey(parsePyJson(text))).toBe(meta.idempotency_key);
    });

    it('decompresses the payload to the same flow, key order intact', () => {
      const flow = decompressFlow(meta.compressed);
      expect(pyjsonDumps(flow, { sortKeys: true })).toBe(pyjsonDumps(parsePyJson(text), { sortKeys: true }));
      expect(pyjsonDumps(flow)).toBe(meta.compressed_json_text);
    });

    it('compresses to a payload that decompresses to the same JSON text', () => {
      const flow = decompressFlow(meta.compressed);
      const compressed = compressFlow(flow);
      expect(compressed).toMatch(/^H4sI[A-Za-z0-9+/]*={0,2}$/);
      expect(pyjsonDumps(decompressFlow(compressed))).toBe(meta.compressed_json_text);
    });
  });
});

describe('payload helpers', () => {
  it('reproduces the reference §1.11 key', () => {
    const flow = parsePyJson(REFERENCE_HELLO_GIT);
    expect(idempotencyKey(flow)).toBe('ec2b6e3627aec42b97d4f0fd3811bed28824ed3ad0cd5a514e78fce3893510a4');
  });

  it('hashes the sort_keys text, so int vs float changes the key', () => {
    expect(idempotencyKey({ b: 1, a: 2 })).toBe(idempotencyKeyOfText('{"a": 2, "b": 1}'));
    expect(idempotencyKey({ a: 1 })).not.toBe(idempotencyKey({ a: pyFloat(1) }));
    // sha256('{}')
    expect(idempotencyKey({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('compresses the unsorted default dump as standard padded base64 of gzip', () => {
    const compressed = compressFlow({ b: pyFloat(0.5), a: 'é' });
    const bytes = Buffer.from(compressed, 'base64');
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(bytes[8]).toBe(2); // XFL: maximum compression (level 9), as Python writes it
    expect(compressed.length % 4).toBe(0);
    expect(decompressFlow(compressed)).toEqual({ b: pyFloat(0.5), a: 'é' });
  });

  it('accepts any valid gzip, e.g. with another header', () => {
    const gz = gzipSync(Buffer.from('{"x": [1, 2.0]}'), { level: 1 });
    expect(decompressFlow(gz.toString('base64'))).toEqual({ x: [1, pyFloat(2)] });
  });

  it('throws on text that is not gzip', () => {
    expect(() => decompressFlow('bm90IGd6aXA=')).toThrow();
  });
});

// Transcribed verbatim from the reference (prefect1.md §1.11), key order as shown there.
const REFERENCE_HELLO_GIT = `
{
  "name": "hello-git",
  "type": "prefect.core.flow.Flow",
  "schedule": null,
  "parameters": [
    {"type": "prefect.core.parameter.Parameter", "name": "name", "slug": "name",
     "default": "world", "required": false, "tags": [], "outputs": "typing.Any",
     "__version__": "1.4.1"}
  ],
  "tasks": [
    {"type": "prefect.core.parameter.Parameter", "name": "name", "slug": "name", "tags": [],
     "max_retries": 0, "retry_delay": null, "inputs": {}, "outputs": "typing.Any", "timeout": null,
     "trigger": {"fn": "prefect.triggers.all_successful", "kwargs": {}},
     "skip_on_upstream_skip": true, "cache_for": null, "cache_key": null,
     "cache_validator": {"fn": "prefect.engine.cache_validators.never_use", "kwargs": {}},
     "auto_generated": false, "__version__": "1.4.1"},
    {"type": "prefect.tasks.core.function.FunctionTask", "name": "say_hello", "slug": "say_hello-1",
     "tags": [], "max_retries": 0, "retry_delay": null,
     "inputs": {"name": {"required": true, "type": "typing.Any"}}, "outputs": "typing.Any",
     "timeout": null, "trigger": {"fn": "prefect.triggers.all_successful", "kwargs": {}},
     "skip_on_upstream_skip": true, "cache_for": null, "cache_key": null,
     "cache_validator": {"fn": "prefect.engine.cache_validators.never_use", "kwargs": {}},
     "auto_generated": false, "__version__": "1.4.1"},
    {"type": "prefect.tasks.core.function.FunctionTask", "name": "shout", "slug": "shout-io-1",
     "tags": ["io"], "max_retries": 2, "retry_delay": 10,
     "inputs": {"msg": {"required": true, "type": "<class 'str'>"}}, "outputs": "<class 'str'>",
     "timeout": null, "trigger": {"fn": "prefect.triggers.all_successful", "kwargs": {}},
     "skip_on_upstream_skip": true, "cache_for": null, "cache_key": null,
     "cache_validator": {"fn": "prefect.engine.cache_validators.never_use", "kwargs": {}},
     "auto_generated": false, "__version__": "1.4.1"}
  ],
  "edges": [
    {"upstream_task": {"slug": "name", "__version__": "1.4.1"},
     "downstream_task": {"slug": "say_hello-1", "__version__": "1.4.1"},
     "key": "name", "mapped": false, "flattened": false, "__version__": "1.4.1"},
    {"upstream_task": {"slug": "say_hello-1", "__version__": "1.4.1"},
     "downstream_task": {"slug": "shout-io-1", "__version__": "1.4.1"},
     "key": "msg", "mapped": false, "flattened": false, "__version__": "1.4.1"}
  ],
  "reference_tasks": [],
  "run_config": {"env": null, "labels": ["dev", "team-a"], "__version__": "1.4.1", "type": "UniversalRun"},
  "__version__": "1.4.1",
  "storage": {
    "flows": {"hello-git": "flows/hello.py"},
    "secrets": [],
    "flow_path": "flows/hello.py", "repo": "acme/flows", "repo_host": "github.com",
    "flow_name": null, "git_token_secret_name": "GITHUB_ACCESS_TOKEN", "git_token_username": "acme",
    "git_clone_url_secret_name": null, "branch_name": "main", "tag": null, "commit": null,
    "clone_depth": 1, "use_ssh": false, "format_access_token": true,
    "__version__": "1.4.1", "type": "Git"
  }
}
`;

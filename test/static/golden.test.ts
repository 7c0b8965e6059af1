/**
 * Acceptance: every golden flow (serialized by real Prefect 1.4.1) comes out of the static loader
 * byte for byte (sort_keys, indent 2, floats kept) with the same idempotency key.
 */
import { describe, expect, it } from 'vitest';
import { loadFlowsStatic } from '../../src/flows/static/index.js';
import { idempotencyKey } from '../../src/prefect/payload.js';
import { parsePyJson, pyjsonDumps } from '../../src/prefect/pyjson.js';
import { goldenCases, goldenFile, goldenStorage, readGoldenRepoFile } from './golden-helpers.js';

describe('golden flows', () => {
  const cases = goldenCases();

  it('finds all 22 golden serializations', () => {
    expect(cases.length).toBe(22);
  });

  for (const c of cases) {
    it(`${c.dir} / ${c.flowName}`, async () => {
      const result = await loadFlowsStatic({ files: [goldenFile(c.flowPath)], storageFor: goldenStorage(c.ref), readRepoFile: readGoldenRepoFile });
      expect(result.errors).toEqual([]);
      const flow = result.flows.find((f) => f.name === c.flowName);
      expect(flow, `flow ${c.flowName} loaded`).toBeDefined();
      if (!flow) return;
      expect(flow.loader).toBe('static');
      expect(flow.flowPath).toBe(c.flowPath);
      // The golden text parsed and dumped again is the golden text: the comparison is exact.
      expect(pyjsonDumps(parsePyJson(c.jsonText), { sortKeys: true, indent: 2 })).toBe(c.jsonText);
      expect(pyjsonDumps(flow.serialized, { sortKeys: true, indent: 2 })).toBe(c.jsonText);
      expect(idempotencyKey(flow.serialized)).toBe(c.idempotencyKey);
    });
  }
});

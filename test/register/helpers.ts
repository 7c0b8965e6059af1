/**
 * Shared setup of the register tests: small hand-made serialized flows, the golden flows, and a
 * client wired to the fake server with instant retries.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createPrefectApi } from '../../src/api/client.js';
import type { PrefectApi, PrefectApiOptions, RequestInfo } from '../../src/api/types.js';
import { idempotencyKey } from '../../src/prefect/payload.js';
import type { PyObject, PyValue } from '../../src/prefect/py-value.js';
import { parsePyJson } from '../../src/prefect/pyjson.js';
import type { FlowToRegister } from '../../src/register/types.js';
import type { FakeServer } from '../support/fake-server/index.js';

/** Options of `makeFlow`. */
export interface MakeFlowOptions {
  /** Changes the metadata (and so the idempotency key). */
  label?: string;
  schedule?: PyValue;
  parameters?: PyValue[];
  /** Drop the first task's slug, which the server's validation rejects. */
  breakSlug?: boolean;
}

/** A minimal but valid Prefect 1.4.1 serialized flow with two tasks and one edge. */
export function makeFlow(name: string, options: MakeFlowOptions = {}): FlowToRegister {
  const task = (slug: string): PyObject => ({
    __version__: '1.4.1',
    auto_generated: false,
    cache_for: null,
    cache_key: null,
    cache_validator: { fn: 'prefect.engine.cache_validators.never_use', kwargs: {} },
    inputs: {},
    max_retries: 0,
    name: slug.replace(/-\d+$/, ''),
    outputs: 'typing.Any',
    retry_delay: null,
    skip_on_upstream_skip: true,
    slug,
    tags: [],
    timeout: null,
    trigger: { fn: 'prefect.triggers.all_successful', kwargs: {} },
    type: 'prefect.tasks.core.function.FunctionTask',
  });
  const first = task('extract-1');
  if (options.breakSlug === true) delete first.slug;
  const serialized: PyObject = {
    __version__: '1.4.1',
    edges: [{ __version__: '1.4.1', downstream_task: { __version__: '1.4.1', slug: 'load-1' }, flattened: false, key: 'x', mapped: false, upstream_task: { __version__: '1.4.1', slug: 'extract-1' } }],
    environment: null,
    name,
    parameters: options.parameters ?? [],
    reference_tasks: [],
    run_config: { __version__: '1.4.1', env: null, labels: options.label === undefined ? [] : [options.label], type: 'UniversalRun' },
    schedule: options.schedule ?? null,
    storage: {
      __version__: '1.4.1',
      branch_name: 'main',
      flows: { [name]: `flows/${name}.py` },
      flow_name: name,
      flow_path: `flows/${name}.py`,
      repo: 'acme/data-flows',
      repo_host: 'github.com',
      type: 'Git',
    },
    tasks: [first, task('load-1')],
    type: 'prefect.core.flow.Flow',
  };
  return { name, flowPath: `flows/${name}.py`, serialized, idempotencyKey: idempotencyKey(serialized) };
}

/** An interval schedule whose clocks set the given parameter defaults. */
export function intervalSchedule(parameterDefaults: PyObject = {}): PyObject {
  return {
    __version__: '1.4.1',
    adjustments: [],
    clocks: [{ __version__: '1.4.1', end_date: null, interval: 3600000000, labels: null, parameter_defaults: parameterDefaults, start_date: null, type: 'IntervalClock' }],
    filters: [],
    not_filters: [],
    or_filters: [],
    type: 'Schedule',
  };
}

/** One golden flow: the parsed JSON and its meta. */
export interface GoldenFlow {
  dir: string;
  flow: FlowToRegister;
  /** The idempotency key real `prefect register` computed. */
  pythonKey: string;
}

const goldenRoot = new URL('../fixtures/golden/serialized/', import.meta.url);

/** All golden flows in test/fixtures/golden/serialized, sorted by folder. */
export function goldenFlows(): GoldenFlow[] {
  const out: GoldenFlow[] = [];
  for (const group of readdirSync(goldenRoot).sort()) {
    for (const dir of readdirSync(new URL(`${group}/`, goldenRoot)).sort()) {
      const folder = new URL(`${group}/${dir}/`, goldenRoot);
      for (const file of readdirSync(folder).filter((f) => f.endsWith('.meta.json')).sort()) {
        const meta = JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as { flow_name: string; flow_path: string; idempotency_key: string };
        const serialized = parsePyJson(readFileSync(new URL(file.replace('.meta.json', '.json'), folder), 'utf8')) as PyObject;
        out.push({
          dir: `${group}/${dir}`,
          flow: { name: meta.flow_name, flowPath: meta.flow_path, serialized, idempotencyKey: idempotencyKey(serialized) },
          pythonKey: meta.idempotency_key,
        });
      }
    }
  }
  return out;
}

/** A client for the fake server: instant retries, short timeouts, request log. */
export function apiFor(server: FakeServer, options: Partial<PrefectApiOptions> = {}): { api: PrefectApi; log: RequestInfo[] } {
  const log: RequestInfo[] = [];
  const api = createPrefectApi({
    url: server.url,
    backend: 'server',
    timeoutMs: 2000,
    sleep: () => Promise.resolve(),
    onRequest: (info) => log.push(info),
    ...options,
  });
  return { api, log };
}

/**
 * `flow.serialize(build=False)` after prepare_flows (reference §1.2, §2.6, §4.3): validation,
 * sorting by Python string order, run config default and label merge, storage appended last.
 */
import type { PyObject, PyValue } from '../../prefect/py-value.js';
import { compareCodePoints } from '../../prefect/pyjson.js';
import type { GitStorage } from '../../storage/types.js';
import { describe, refuseUnknown } from './convert.js';
import type { FlowObj } from './prefect-model/flow.js';
import { raisePy, refuse } from './refusal.js';
import { serializeRunConfig, UNIVERSAL_RUN, type RunConfigData } from './run-config.js';
import { serializeSchedule, type ScheduleData } from './schedule.js';
import { serializeParameter, serializeTask } from './serialize-task.js';

/** Raises Python's "Cycle found" when the edges are not acyclic (flow.validate()). */
function checkAcyclic(flow: FlowObj): void {
  const indegree = new Map(flow.tasks.map((t) => [t, 0]));
  const downstream = new Map<(typeof flow.tasks)[number], (typeof flow.tasks)[number][]>();
  for (const e of flow.edges) {
    indegree.set(e.down, (indegree.get(e.down) ?? 0) + 1);
    const list = downstream.get(e.up);
    if (list) list.push(e.down);
    else downstream.set(e.up, [e.down]);
  }
  const ready = flow.tasks.filter((t) => indegree.get(t) === 0);
  let seen = 0;
  for (let t = ready.pop(); t !== undefined; t = ready.pop()) {
    seen++;
    for (const d of downstream.get(t) ?? []) {
      const n = (indegree.get(d) ?? 0) - 1;
      indegree.set(d, n);
      if (n === 0) ready.push(d);
    }
  }
  if (seen !== flow.tasks.length) raisePy(flow.node, 'ValueError', 'Cycle found; flows must be acyclic!');
}

function runConfigOf(flow: FlowObj): RunConfigData {
  const rc = flow.runConfig;
  if (rc.kind === 'none') return UNIVERSAL_RUN;
  if (rc.kind === 'native' && rc.type === 'runconfig') return rc.data as RunConfigData;
  if (rc.kind === 'opaque') return refuseUnknown(rc, flow.node, 'the run config');
  return refuse(flow.node, `a run config that is ${describe(rc)}`);
}

function scheduleOf(flow: FlowObj, version: string): PyValue {
  const s = flow.schedule;
  if (s.kind === 'none') return null;
  if (s.kind === 'native' && s.type === 'schedule') return serializeSchedule(s.data as ScheduleData, version);
  if (s.kind === 'opaque') return refuseUnknown(s, flow.node, 'the schedule');
  return refuse(flow.node, `a schedule that is ${describe(s)}`);
}

function checkStorage(flow: FlowObj): void {
  const s = flow.storage;
  if (s.kind === 'none') return;
  if (s.kind === 'native' && s.type === 'storage' && s.data === 'Git') return;
  if (s.kind === 'native' && s.type === 'storage') {
    refuse(flow.node, `the flow sets ${String(s.data)} storage; prefect-git registers it with Git storage (and other storages add labels)`);
  }
  if (s.kind === 'opaque') refuseUnknown(s, flow.node, 'the storage');
  refuse(flow.node, `storage that is ${describe(s)}`);
}

/** The full serialized flow, storage included. Raises PyError / Refusal for this flow only. */
export function serializeFlow(flow: FlowObj, storage: GitStorage, labels: readonly string[], version: string): PyObject {
  if (flow.poison) throw flow.poison;
  checkAcyclic(flow);
  checkStorage(flow);
  const slugOf = (t: (typeof flow.tasks)[number]): string => flow.slugs.get(t) as string;
  const bySlug = [...flow.tasks].sort((a, b) => compareCodePoints(slugOf(a), slugOf(b)));
  const tasks = bySlug.map((t) => serializeTask(t, slugOf(t), version));
  const parameters = bySlug.filter((t) => t.isParameter).map((t) => serializeParameter(t, slugOf(t), version));
  const seenKeys = new Set<string>();
  for (const e of flow.edges) {
    const k = `${slugOf(e.up)}\u0000${slugOf(e.down)}\u0000${e.key ?? ''}`;
    // Same sort key, different mapped/flattened: Python's order between them is arbitrary.
    if (seenKeys.has(k)) refuse(flow.node, `two edges from ${slugOf(e.up)} to ${slugOf(e.down)} with the same key`);
    seenKeys.add(k);
  }
  const edges = [...flow.edges]
    .sort((a, b) => compareCodePoints(slugOf(a.up), slugOf(b.up)) || compareCodePoints(slugOf(a.down), slugOf(b.down)) || compareCodePoints(a.key ?? '', b.key ?? ''))
    .map((e): PyObject => ({
      upstream_task: { slug: slugOf(e.up), __version__: version },
      downstream_task: { slug: slugOf(e.down), __version__: version },
      key: e.key,
      mapped: e.mapped,
      flattened: e.flattened,
      __version__: version,
    }));
  const referenceTasks = [...flow.referenceTasks]
    .sort((a, b) => compareCodePoints(slugOf(a), slugOf(b)))
    .map((t): PyObject => ({ slug: slugOf(t), __version__: version }));
  const schedule = scheduleOf(flow, version);
  const runConfig = serializeRunConfig(runConfigOf(flow), labels, version, compareCodePoints);
  const storageJson: PyObject = { ...(storage as unknown as PyObject), flows: { ...storage.flows }, secrets: [...storage.secrets] };
  return {
    name: flow.name,
    type: 'prefect.core.flow.Flow',
    schedule,
    parameters,
    tasks,
    edges,
    reference_tasks: referenceTasks,
    run_config: runConfig,
    __version__: version,
    storage: storageJson,
  };
}

/**
 * The `prefect` package as flow files see it: which names each module exports and what they do.
 * Names not listed here are unknown values that may be tasks (using them in a flow refuses).
 */
import { toJson } from '../convert.js';
import { refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { cronClock, intervalClock, scheduleClass } from '../schedule.js';
import { runConfigClass } from '../run-config.js';
import { native, prefectOpaque, type BuiltinV, type ClassV, type ModuleV, type Value } from '../values.js';
import type { PyValue } from '../../../prefect/py-value.js';
import { makeCase, merge } from './control-flow.js';
import { annotation, builtin, defaultsFromAttrs, functionTaskClass, makeFlow, makeParameter, tagsBuiltin, taskDecorator } from './constructors.js';
import type { FnRef } from './task.js';

/** Prefect's Task class, the base of user task classes. */
export const TASK_CLASS: ClassV = {
  kind: 'class', name: 'Task', qualname: 'Task', module: 'prefect.core.task', bases: [], members: new Map(), prefectBase: 'Task', node: undefined,
};

const fnref = (fn: string, kwargs: [string, PyValue][] = []): Value => native('fnref', { fn, kwargs } satisfies FnRef);

const TRIGGERS = ['all_finished', 'manual_only', 'always_run', 'all_successful', 'all_failed', 'any_successful', 'any_failed', 'not_all_skipped'];
const VALIDATORS = ['never_use', 'duration_only', 'all_inputs', 'all_parameters'];

/** A stateful function factory (`some_successful(at_least=, at_most=)`): its closure is serialized. */
function stateful(module: string, name: string, params: string[]): BuiltinV {
  return builtin(name, (_i, args, node) => {
    const values = new Map<string, PyValue>(params.map((p) => [p, null]));
    args.positional.forEach((v, i) => {
      const p = params[i];
      if (!p) refuse(node, `${name}() with too many arguments`);
      values.set(p, toJson(v, node, p));
    });
    for (const [k, v] of args.keywords) {
      if (!values.has(k)) refuse(node, `${name}(${k}=...)`);
      values.set(k, toJson(v, node, k));
    }
    // getclosurevars lists the closure's free variables, which CPython orders by name.
    return fnref(`${module}.${name}`, [...values].sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}

/** Objects accepted and not serialized (executors, results). */
function ignoredClass(name: string, check?: (args: Map<string, Value>, node: Syntax) => void): BuiltinV {
  return builtin(name, (_i, args, node) => {
    check?.(new Map(args.keywords), node);
    return native('ignored', name);
  });
}

function storageClass(name: string): BuiltinV {
  return builtin(name, (_i, args, node) => {
    const labels = args.keywords.find(([k]) => k === 'labels')?.[1];
    if (labels && labels.kind !== 'none') refuse(node, `${name}(labels=...) (storage labels are merged into run_config labels)`);
    return native('storage', name);
  });
}

const localResult = ignoredClass('LocalResult', (kw, node) => {
  const validate = kw.get('validate_dir');
  const dir = kw.get('dir');
  // With validate_dir (the default) LocalResult creates the directory on the registering machine.
  if (dir && dir.kind !== 'none' && !(validate && validate.kind === 'bool' && !validate.v)) {
    refuse(node, 'LocalResult(dir=...) without validate_dir=False (it creates the directory while registering)');
  }
});

function modules(): Record<string, Record<string, Value>> {
  const flowCls = builtin('Flow', makeFlow);
  const parameter = makeParameter('Parameter');
  const dtParameter = makeParameter('DateTimeParameter');
  const caseB = builtin('case', makeCase);
  const mergeB = builtin('merge', merge);
  const unmapped = annotation('unmapped');
  const mapped = annotation('mapped');
  const flatten = annotation('flatten');
  const triggers = Object.fromEntries([
    ...TRIGGERS.map((t): [string, Value] => [t, fnref(`prefect.triggers.${t}`)]),
    ['some_successful', stateful('prefect.triggers', 'some_successful', ['at_least', 'at_most'])],
    ['some_failed', stateful('prefect.triggers', 'some_failed', ['at_least', 'at_most'])],
  ]);
  const validators = Object.fromEntries([
    ...VALIDATORS.map((v): [string, Value] => [v, fnref(`prefect.engine.cache_validators.${v}`)]),
    ['partial_inputs_only', stateful('prefect.engine.cache_validators', 'partial_inputs_only', ['validate_on'])],
    ['partial_parameters_only', stateful('prefect.engine.cache_validators', 'partial_parameters_only', ['validate_on'])],
  ]);
  const runConfigs = Object.fromEntries(['UniversalRun', 'LocalRun', 'DockerRun', 'KubernetesRun', 'ECSRun', 'VertexRun'].map((n) => [n, runConfigClass(n)]));
  const executors = Object.fromEntries(['LocalExecutor', 'LocalDaskExecutor', 'DaskExecutor'].map((n) => [n, ignoredClass(n)]));
  const results = {
    LocalResult: localResult,
    ...Object.fromEntries(['PrefectResult', 'S3Result', 'GCSResult', 'AzureResult', 'SecretResult', 'ConstantResult', 'Result'].map((n) => [n, ignoredClass(n)])),
  };
  const storage = Object.fromEntries(['Git', 'GitHub', 'GitLab', 'Bitbucket', 'CodeCommit', 'Local', 'Module', 'S3', 'GCS', 'Azure', 'Docker', 'Webhook'].map((n) => [n, storageClass(n)]));
  const clocks = { IntervalClock: intervalClock, CronClock: cronClock };
  const utilitiesTasks = { task: taskDecorator, tags: tagsBuiltin, defaults_from_attrs: defaultsFromAttrs, unmapped, mapped, flatten };
  return {
    prefect: {
      Flow: flowCls, Task: TASK_CLASS, Parameter: parameter, task: taskDecorator, case: caseB, unmapped, mapped, flatten, tags: tagsBuiltin,
      context: prefectOpaque('prefect.context', false), config: prefectOpaque('prefect.config', false),
    },
    'prefect.core': { Flow: flowCls, Task: TASK_CLASS, Parameter: parameter },
    'prefect.core.flow': { Flow: flowCls },
    'prefect.core.task': { Task: TASK_CLASS },
    'prefect.core.parameter': { Parameter: parameter, DateTimeParameter: dtParameter },
    'prefect.triggers': triggers,
    'prefect.engine': {},
    'prefect.engine.cache_validators': validators,
    'prefect.engine.results': results,
    'prefect.engine.executors': executors,
    'prefect.executors': executors,
    'prefect.run_configs': runConfigs,
    'prefect.storage': storage,
    'prefect.schedules': { Schedule: scheduleClass, ...{} },
    'prefect.schedules.schedules': { Schedule: scheduleClass },
    'prefect.schedules.clocks': clocks,
    'prefect.tasks': {},
    'prefect.tasks.control_flow': { case: caseB, merge: mergeB },
    'prefect.tasks.control_flow.case': { case: caseB },
    'prefect.tasks.control_flow.conditional': { merge: mergeB },
    'prefect.tasks.core': {},
    'prefect.tasks.core.function': { FunctionTask: functionTaskClass },
    'prefect.utilities': {},
    'prefect.utilities.tasks': utilitiesTasks,
    'prefect.utilities.edges': { unmapped, mapped, flatten },
  };
}

let cache: Record<string, Record<string, Value>> | undefined;

/** The module value for `prefect` or one of its submodules (unknown submodules are empty). */
export function prefectModule(dotted: string): ModuleV {
  cache ??= modules();
  const attrs = new Map<string, Value>(Object.entries(cache[dotted] ?? {}));
  return { kind: 'module', name: dotted, attrs, origin: 'modelled', prefectish: true };
}

/** Submodule names of a modelled prefect module (for `import prefect.x` attribute chains). */
export function prefectSubmodules(dotted: string): string[] {
  cache ??= modules();
  return Object.keys(cache).filter((k) => k.startsWith(`${dotted}.`) && !k.slice(dotted.length + 1).includes('.')).map((k) => k.slice(dotted.length + 1));
}


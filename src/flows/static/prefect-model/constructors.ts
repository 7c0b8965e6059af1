/**
 * The Prefect constructors flow files call: Flow, Parameter, the `task` decorator,
 * FunctionTask, and small helpers (tags, unmapped/flatten/mapped, defaults_from_attrs).
 */
import { checkPoison, describe, expectStr, refuseUnknown } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { native, NONE, type BuiltinV, type FuncV, type Value } from '../values.js';
import { bindArguments } from '../evaluator/binding.js';
import { functionSignature } from '../evaluator/classes.js';
import type { CallArgs, Interp } from '../evaluator/interp-types.js';
import { FlowObj, type EdgeAnnotation } from './flow.js';
import { initTask, isTaskInitParam } from './task-init.js';
import { simpleSignature, TaskObj } from './task.js';

const RESERVED_RUN_ARGS = ['upstream_tasks', 'mapped', 'task_args', 'flow'];
const FLOW_PARAMS = ['name', 'schedule', 'executor', 'run_config', 'storage', 'tasks', 'edges', 'reference_tasks',
  'state_handlers', 'on_failure', 'validate', 'result', 'terminal_state_handler'];

export function builtin(name: string, call: BuiltinV['call'], prefect = true): BuiltinV {
  return { kind: 'builtin', name, call, prefect };
}

/** `Flow(name, schedule=, executor=, run_config=, storage=, tasks=, ...)`. */
export function makeFlow(interp: Interp, args: CallArgs, node: Syntax): Value {
  if (args.positional.length > 1) refuse(node, 'Flow() with more than one positional argument');
  const bound = bindArguments(FLOW_PARAMS.map((n, i) => ({ name: n, kind: 'pos' as const, hasDefault: i > 0 })), args, 'Flow', node);
  const get = (n: string): Value | undefined => {
    const b = bound.find((x) => x.name === n);
    return b && b.kind === 'value' && b.value.kind !== 'none' ? b.value : undefined;
  };
  for (const b of bound) if (b.kind === 'value') checkPoison(b.value);
  const nameV = get('name');
  const name = nameV === undefined ? '' : expectStr(nameV, node, 'the flow name');
  if (!name) raisePy(node, 'ValueError', 'A name must be provided for the flow.');
  const flow = new FlowObj(name, node);
  flow.schedule = get('schedule') ?? NONE;
  flow.runConfig = get('run_config') ?? NONE;
  flow.storage = get('storage') ?? NONE;
  const tasks = get('tasks');
  if (tasks) {
    for (const t of interp.iterate(tasks, node)) {
      if (t.kind !== 'task') return t.kind === 'opaque' ? refuseUnknown(t, node, 'a task in Flow(tasks=...)') : raisePy(node, 'TypeError', 'Tasks must be Task instances');
      flow.addTask(interp, t.t, node);
    }
  }
  const edges = get('edges');
  if (edges && interp.iterate(edges, node).length > 0) refuse(node, 'Flow(edges=...)');
  const refs = get('reference_tasks');
  if (refs) {
    for (const r of interp.iterate(refs, node)) {
      if (r.kind !== 'task') return refuse(node, `a reference task that is ${describe(r)}`);
      if (!flow.has(r.t)) raisePy(node, 'ValueError', 'reference tasks must be part of the flow.');
      if (!flow.referenceTasks.includes(r.t)) flow.referenceTasks.push(r.t);
    }
  }
  const handlers = get('state_handlers');
  if (handlers && (handlers.kind === 'set' || handlers.kind === 'dict')) raisePy(node, 'TypeError', 'state_handlers should be iterable.');
  return { kind: 'flow', f: flow };
}

/** `Parameter(name, default=<none>, required=None, tags=None)` and DateTimeParameter. */
export function makeParameter(kind: 'Parameter' | 'DateTimeParameter'): BuiltinV {
  return builtin(kind, (interp, args, node) => {
    const bound = bindArguments(['name', 'default', 'required', 'tags'].map((n, i) => ({ name: n, kind: 'pos' as const, hasDefault: i > 0 })), args, kind, node);
    const get = (n: string): Value | undefined => {
      const b = bound.find((x) => x.name === n);
      return b && b.kind === 'value' ? b.value : undefined;
    };
    const name = expectStr(get('name') as Value, node, 'the parameter name');
    const defaultV = get('default');
    const requiredV = get('required');
    let required: boolean;
    if (requiredV === undefined || requiredV.kind === 'none') required = kind === 'DateTimeParameter' ? true : defaultV === undefined;
    else if (requiredV.kind === 'bool') required = requiredV.v;
    else return refuse(node, `required=${describe(requiredV)}`);
    const task = new TaskObj(`prefect.core.parameter.${kind}`, undefined, simpleSignature([]), node);
    task.parameter = { default: defaultV ?? NONE, required };
    const kw = new Map<string, Value>([['name', { kind: 'str', v: name }], ['slug', { kind: 'str', v: name }], ['checkpoint', { kind: 'bool', v: true }]]);
    const tags = get('tags');
    if (tags) kw.set('tags', tags);
    initTask(interp, task, kw, kind, node);
    return { kind: 'task', t: task };
  });
}

/** `FunctionTask(fn, name=None, **kwargs)`: what `@task` builds. */
export function functionTask(interp: Interp, fn: Value, kwargs: [string, Value][], node: Syntax): Value {
  checkPoison(fn);
  if (fn.kind !== 'func') {
    if (fn.kind === 'opaque') refuseUnknown(fn, node, 'the function made into a task');
    return refuse(node, `making a task from ${describe(fn)}`);
  }
  const f: FuncV = fn;
  if (f.params.some((p) => p.kind === 'varargs')) {
    raisePy(node, 'ValueError', 'Tasks with variable positional arguments (*args) are not supported, because all Prefect arguments are stored as keywords.');
  }
  const violations = f.params.filter((p) => (p.kind === 'pos' || p.kind === 'posonly') && RESERVED_RUN_ARGS.includes(p.name)).map((p) => p.name);
  if (violations.length > 0) raisePy(node, 'ValueError', `Tasks cannot have the following argument names: ${violations.join(', ')}. These are reserved keyword arguments.`);
  const kw = new Map<string, Value>();
  for (const [k, v] of kwargs) {
    if (!isTaskInitParam(k)) raisePy(node, 'TypeError', `__init__() got an unexpected keyword argument '${k}'`);
    kw.set(k, v);
  }
  const nameV = kw.get('name');
  if (nameV === undefined || nameV.kind === 'none') kw.set('name', { kind: 'str', v: f.name });
  const task = new TaskObj('prefect.tasks.core.function.FunctionTask', undefined, functionSignature(interp, f, false, node), node);
  initTask(interp, task, kw, 'FunctionTask', node);
  return { kind: 'task', t: task };
}

/** `task` / `task(**kwargs)` as a decorator, or `task(fn, **kwargs)`. */
export const taskDecorator: BuiltinV = builtin('task', (interp, args, node) => {
  if (args.positional.length > 1) raisePy(node, 'TypeError', 'task() takes at most one positional argument');
  const fn = args.positional[0] ?? args.keywords.find(([k]) => k === 'fn')?.[1];
  const kwargs = args.keywords.filter(([k]) => k !== 'fn');
  if (fn === undefined || fn.kind === 'none') {
    return builtin('task(...)', (i, a, n) => {
      if (a.positional.length !== 1 || a.keywords.length > 0) raisePy(n, 'TypeError', 'the task decorator takes one function');
      return functionTask(i, a.positional[0] as Value, kwargs, n);
    });
  }
  return functionTask(interp, fn, kwargs, node);
});

/** `FunctionTask(fn, name=None, **kwargs)` called directly. */
export const functionTaskClass: BuiltinV = builtin('FunctionTask', (interp, args, node) => {
  const [fn, name, ...rest] = args.positional;
  if (!fn || rest.length > 0) raisePy(node, 'TypeError', 'FunctionTask(fn, name=None, **kwargs)');
  const kwargs = [...args.keywords];
  if (name) kwargs.push(['name', name]);
  return functionTask(interp, fn, kwargs, node);
});

/** `prefect.tags(*tags)`: a context manager adding tags to tasks created inside. */
export const tagsBuiltin: BuiltinV = builtin('tags', (_i, args, node) => {
  if (args.keywords.length > 0) raisePy(node, 'TypeError', 'tags() takes no keyword arguments');
  return native('tags', args.positional.map((t) => expectStr(t, node, 'each tag')));
});

/** `unmapped(x)`, `mapped(x)`, `flatten(x)`. */
export function annotation(name: 'unmapped' | 'mapped' | 'flatten'): BuiltinV {
  return builtin(name, (_i, args, node) => {
    if (args.positional.length !== 1 || args.keywords.length > 0) raisePy(node, 'TypeError', `${name}() takes one argument`);
    let value = args.positional[0] as Value;
    checkPoison(value);
    const annotations = new Map<string, boolean>(name === 'flatten' ? [['flattened', true]] : [['mapped', name === 'mapped']]);
    if (value.kind === 'native' && value.type === 'annotation') {
      const inner = value.data as EdgeAnnotation;
      for (const [k, v] of inner.annotations) annotations.set(k, v);
      value = inner.value;
    }
    return native('annotation', { annotations, value } satisfies EdgeAnnotation);
  });
}

/** `@defaults_from_attrs(...)`: `inspect.signature` sees through the wrapper, so nothing changes. */
export const defaultsFromAttrs: BuiltinV = builtin('defaults_from_attrs', (_i, args, node) => {
  for (const a of args.positional) expectStr(a, node, 'an attribute name');
  return builtin('defaults_from_attrs(...)', (_j, a, n) => {
    const fn = a.positional[0];
    if (!fn || fn.kind !== 'func') return refuse(n, 'defaults_from_attrs on something other than a function');
    fn.wrappedDefaults = true;
    return fn;
  });
});


/**
 * What flow files do with tasks: call them (copy + bind), `.map`, `.bind`, `set_upstream`,
 * index them (GetItem), apply operators (Add, ...). Also the built-in task classes Prefect
 * creates on its own, with their exact run signatures from the 1.4.1 sources.
 */
import { checkPoison, describe, expectBool, expectStr } from '../convert.js';
import { reprOf } from '../py-repr.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import type { Value } from '../values.js';
import { bindArguments, flattenBound } from '../evaluator/binding.js';
import type { CallArgs, Interp } from '../evaluator/interp-types.js';
import type { FlowObj } from './flow.js';
import { initTask } from './task-init.js';
import { simpleSignature, TaskObj, type RunSignature } from './task.js';

interface BuiltinClass {
  type: string;
  signature: RunSignature;
  /** Keyword defaults the class's own __init__ sets before Task.__init__. */
  init?: (kw: Map<string, Value>) => void;
}

const ANY = 'typing.Any';
const OPERANDS = simpleSignature([['x', 'pos', false, ANY], ['y', 'pos', false, ANY]]);
const OPERATORS = ['Add', 'Sub', 'Mul', 'Div', 'FloorDiv', 'Pow', 'Mod', 'And', 'Or'] as const;

export const BUILTIN_TASK_CLASSES: Record<string, BuiltinClass> = {
  Task: { type: 'prefect.core.task.Task', signature: simpleSignature([], 'None') },
  Constant: { type: 'prefect.tasks.core.constants.Constant', signature: simpleSignature([]) },
  List: { type: 'prefect.tasks.core.collections.List', signature: simpleSignature([['task_results', 'varkw', false, ANY]], "<class 'list'>") },
  Tuple: { type: 'prefect.tasks.core.collections.Tuple', signature: simpleSignature([['task_results', 'varkw', false, ANY]], "<class 'tuple'>") },
  Set: { type: 'prefect.tasks.core.collections.Set', signature: simpleSignature([['task_results', 'varkw', false, ANY]], "<class 'set'>") },
  Dict: {
    type: 'prefect.tasks.core.collections.Dict',
    signature: simpleSignature([['keys', 'pos', false, 'typing.Iterable[typing.Any]'], ['values', 'pos', false, 'typing.Iterable[typing.Any]']], "<class 'dict'>"),
  },
  GetItem: {
    type: 'prefect.tasks.core.operators.GetItem',
    signature: simpleSignature([['task_result', 'pos', false, ANY], ['key', 'pos', false, ANY], ['default', 'pos', true, ANY]]),
  },
  Not: { type: 'prefect.tasks.core.operators.Not', signature: simpleSignature([['x', 'pos', false, ANY]], "<class 'bool'>") },
  Merge: {
    type: 'prefect.tasks.control_flow.conditional.Merge',
    signature: simpleSignature([['task_results', 'varkw', false, ANY]]),
    init: (kw) => {
      if (!kw.has('skip_on_upstream_skip')) kw.set('skip_on_upstream_skip', { kind: 'bool', v: false });
      if (!kw.has('trigger')) kw.set('trigger', { kind: 'native', type: 'fnref', data: { fn: 'prefect.triggers.not_all_skipped', kwargs: [] } });
    },
  },
  CompareValue: { type: 'prefect.tasks.control_flow.conditional.CompareValue', signature: simpleSignature([['value', 'pos', false, ANY]], 'None') },
};
for (const op of OPERATORS) BUILTIN_TASK_CLASSES[op] = { type: `prefect.tasks.core.operators.${op}`, signature: OPERANDS };

/** `Cls(**kw)` for a built-in task class: Task.__init__ with the class's defaults. */
export function newBuiltinTask(interp: Interp, cls: string, node: Syntax, kw: Map<string, Value> = new Map()): TaskObj {
  const spec = BUILTIN_TASK_CLASSES[cls];
  if (!spec) return refuse(node, `the Prefect task class ${cls}`);
  if (cls === 'Merge' && kw.get('skip_on_upstream_skip')?.kind === 'bool' && (kw.get('skip_on_upstream_skip') as { v: boolean }).v) {
    raisePy(node, 'ValueError', 'Merge tasks must have `skip_on_upstream_skip=False`.');
  }
  spec.init?.(kw);
  const task = new TaskObj(spec.type, undefined, spec.signature, node);
  initTask(interp, task, kw, cls, node);
  return task;
}

/** The flow a task operation uses: the given one, else the one of the open `with Flow`. */
function flowFor(interp: Interp, given: FlowObj | undefined, task: TaskObj, node: Syntax): FlowObj {
  const flow = given ?? interp.ctx.flow;
  if (!flow) {
    raisePy(node, 'ValueError', `Could not infer an active Flow context while creating edge to <Task: ${task.name ?? '?'}>. This often means you called a task outside a \`with Flow(...)\` block.`);
  }
  if (flow.poison) throw flow.poison;
  return flow;
}

/** `task.bind(*args, mapped=, upstream_tasks=, flow=, **kwargs)`. */
export function bindTask(
  interp: Interp, task: TaskObj, args: CallArgs, mapped: boolean, upstreamTasks: Value | undefined, flow: FlowObj | undefined, node: Syntax,
): TaskObj {
  const callargs = flattenBound(bindArguments(task.signature.params, args, 'run', node), node);
  const target = flowFor(interp, flow, task, node);
  const upstream = upstreamTasks === undefined || upstreamTasks.kind === 'none' ? [] : interp.iterate(upstreamTasks, node);
  target.setDependencies(interp, { kind: 'task', t: task }, upstream, [], callargs, mapped, node);
  for (const tag of interp.ctx.tags) task.tags.add(tag);
  return task;
}

/** Splits Task.__call__/map/bind's own keyword arguments from the run() ones. */
function takeSpecial(args: CallArgs, names: readonly string[]): { rest: CallArgs; special: Map<string, Value> } {
  const special = new Map<string, Value>();
  const keywords: [string, Value][] = [];
  for (const [k, v] of args.keywords) {
    if (names.includes(k)) special.set(k, v);
    else keywords.push([k, v]);
  }
  return { rest: { positional: args.positional, keywords }, special };
}

function flowArg(v: Value | undefined, node: Syntax): FlowObj | undefined {
  if (v === undefined || v.kind === 'none') return undefined;
  if (v.kind === 'flow') return v.f;
  return refuse(node, `flow= must be a Flow, got ${describe(v)}`);
}

function taskArgsOf(interp: Interp, v: Value | undefined, node: Syntax): [string, Value][] {
  if (v === undefined || v.kind === 'none') return [];
  if (v.kind !== 'dict') return refuse(node, `task_args must be a dict, got ${describe(v)}`);
  checkPoison(v);
  return [...v.map.values()].map(({ k, v: val }) => [expectStr(k, node, 'a task_args key'), val]);
}

/** `task(*args, **kwargs)`: a copy bound to the arguments. Parameters bind themselves. */
export function callTask(interp: Interp, task: TaskObj, args: CallArgs, node: Syntax): TaskObj {
  checkPoison({ kind: 'task', t: task });
  if (task.isParameter) {
    const { rest, special } = takeSpecial(args, ['flow']);
    if (rest.positional.length > 0 || rest.keywords.length > 0) raisePy(node, 'TypeError', '__call__() got unexpected arguments');
    return bindTask(interp, task, { positional: [], keywords: [] }, false, undefined, flowArg(special.get('flow'), node), node);
  }
  const { rest, special } = takeSpecial(args, ['mapped', 'task_args', 'upstream_tasks', 'flow']);
  const mapped = special.has('mapped') ? expectBool(special.get('mapped') as Value, node, 'mapped') : false;
  const copy = copyTask(interp, task, taskArgsOf(interp, special.get('task_args'), node), node);
  return bindTask(interp, copy, rest, mapped, special.get('upstream_tasks'), flowArg(special.get('flow'), node), node);
}

/** `task.map(*args, upstream_tasks=, flow=, task_args=, **kwargs)`. */
export function mapTask(interp: Interp, task: TaskObj, args: CallArgs, node: Syntax): TaskObj {
  checkPoison({ kind: 'task', t: task });
  if (task.isParameter) return refuse(node, 'mapping a Parameter');
  const { rest, special } = takeSpecial(args, ['upstream_tasks', 'flow', 'task_args']);
  for (const a of rest.positional) {
    const subscriptable = ['list', 'tuple', 'str', 'dict', 'task'].includes(a.kind) || (a.kind === 'native' && a.type === 'annotation');
    if (a.kind === 'opaque') refuse(node, `mapping over ${a.what}`);
    if (!subscriptable) raisePy(node, 'TypeError', `Cannot map over unsubscriptable object of type ${describe(a)}`);
  }
  const taskArgs = taskArgsOf(interp, special.get('task_args'), node);
  if (!taskArgs.some(([k]) => k === 'nout')) taskArgs.push(['nout', { kind: 'none' }]);
  const copy = copyTask(interp, task, taskArgs, node);
  return bindTask(interp, copy, rest, true, special.get('upstream_tasks'), flowArg(special.get('flow'), node), node);
}

/** `task.bind(...)` called directly: binds this very task (no copy). */
export function bindDirect(interp: Interp, task: TaskObj, args: CallArgs, node: Syntax): TaskObj {
  checkPoison({ kind: 'task', t: task });
  const { rest, special } = takeSpecial(args, ['mapped', 'upstream_tasks', 'flow']);
  const mapped = special.has('mapped') ? expectBool(special.get('mapped') as Value, node, 'mapped') : false;
  return bindTask(interp, task, rest, mapped, special.get('upstream_tasks'), flowArg(special.get('flow'), node), node);
}

/** Attributes `task_args` / `Task.copy(**kw)` may set, and how each is read. */
const COPYABLE = new Set(['name', 'slug', 'tags', 'nout', 'checkpoint', 'result', 'skip_on_upstream_skip', 'cache_key', 'task_run_name', 'log_stdout', 'state_handlers', 'target']);

/** `Task.copy(**task_args)`. */
export function copyTask(interp: Interp, task: TaskObj, taskArgs: [string, Value][], node: Syntax): TaskObj {
  if (interp.contextPoison) throw interp.contextPoison;
  const copy = task.shallowCopy();
  if (copy.slug && !taskArgs.some(([k]) => k === 'slug')) copy.slug = `${copy.slug}-copy`;
  let extraTags: string[] = [];
  for (const [attr, v] of taskArgs) {
    checkPoison(v);
    if (!COPYABLE.has(attr)) refuse(node, `task_args sets "${attr}" (only ${[...COPYABLE].join(', ')} are supported)`);
    if (attr === 'name') copy.name = expectStr(v, node, 'the task name');
    else if (attr === 'slug') copy.slug = v.kind === 'none' ? null : expectStr(v, node, 'the task slug');
    else if (attr === 'tags') {
      if (v.kind === 'str') refuse(node, 'tags given as a string');
      extraTags = interp.iterate(v, node).map((t) => expectStr(t, node, 'each task tag'));
    } else if (attr === 'nout') copy.nout = v.kind === 'none' ? null : Number(v.kind === 'int' ? v.v : refuse(node, 'nout must be an int'));
    else if (attr === 'skip_on_upstream_skip') copy.skipOnUpstreamSkip = expectBool(v, node, 'skip_on_upstream_skip');
    else if (attr === 'cache_key') copy.cacheKey = v.kind === 'none' ? null : expectStr(v, node, 'cache_key');
    else if (attr === 'checkpoint') copy.checkpoint = v;
    else if (attr === 'result') copy.result = v;
  }
  for (const t of extraTags) copy.tags.add(t);
  for (const t of interp.ctx.tags) copy.tags.add(t);
  return copy;
}

/** `task[key]`: a GetItem task named `name[repr(key)]`, bound to (task, key). */
export function getItemTask(interp: Interp, task: TaskObj, key: Value, node: Syntax): TaskObj {
  checkPoison(key);
  let label: string;
  if (key.kind === 'task') label = key.t.name ?? refuse(node, 'indexing with a task whose name is not known yet');
  else {
    const r = reprOf(key);
    if (r === undefined) return refuse(node, `indexing a task with ${describe(key)} (the GetItem task is named after its repr)`);
    label = r;
  }
  const kw = new Map<string, Value>([['name', { kind: 'str', v: `${task.name ?? '?'}[${label}]` }]]);
  if (task.checkpoint) kw.set('checkpoint', task.checkpoint);
  if (task.result) kw.set('result', task.result);
  const getItem = newBuiltinTask(interp, 'GetItem', node, kw);
  return bindTask(interp, getItem, { positional: [{ kind: 'task', t: task }, key], keywords: [] }, false, undefined, undefined, node);
}

/** `Op().bind(left, right)` for a binary operator on a task. */
export function operatorTask(interp: Interp, cls: string, left: Value, right: Value, node: Syntax): TaskObj {
  const task = newBuiltinTask(interp, cls, node);
  return bindTask(interp, task, { positional: [left, right], keywords: [] }, false, undefined, undefined, node);
}

/** `task.set_upstream(other, key=, mapped=, flow=)` / `set_downstream`. */
export function setStream(interp: Interp, task: TaskObj, args: CallArgs, direction: 'up' | 'down', node: Syntax): void {
  const bound = bindArguments(
    [{ name: 'task', kind: 'pos', hasDefault: false }, { name: 'flow', kind: 'pos', hasDefault: true }, { name: 'key', kind: 'pos', hasDefault: true }, { name: 'mapped', kind: 'pos', hasDefault: true }],
    args, direction === 'up' ? 'set_upstream' : 'set_downstream', node);
  const get = (n: string): Value | undefined => {
    const b = bound.find((x) => x.name === n);
    return b && b.kind === 'value' ? b.value : undefined;
  };
  const other = get('task') as Value;
  const keyV = get('key');
  const key = keyV === undefined || keyV.kind === 'none' ? null : expectStr(keyV, node, 'key');
  const mappedV = get('mapped');
  const mapped = mappedV === undefined ? false : expectBool(mappedV, node, 'mapped');
  const flowV = get('flow');
  const self: Value = { kind: 'task', t: task };
  const downstream = direction === 'up' ? self : other;
  const upstream = direction === 'up' ? other : self;
  if (downstream.kind !== 'task') return refuse(node, `set_downstream on ${describe(downstream)}`);
  const flow = flowV === undefined || flowV.kind === 'none' ? interp.ctx.flow : flowV.kind === 'flow' ? flowV.f : refuse(node, 'flow= must be a Flow');
  if (!flow) raisePy(node, 'ValueError', 'No Flow was passed, and could not infer an active Flow context.');
  if (key !== null) flow.setDependencies(interp, downstream, [], [], [[key, upstream]], mapped, node);
  else flow.setDependencies(interp, downstream, [upstream], [], [], mapped, node);
}

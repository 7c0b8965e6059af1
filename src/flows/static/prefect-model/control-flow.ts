/**
 * `case(task, value)` and `merge(*tasks)` from prefect.tasks.control_flow (1.4.1): on leaving a
 * case block that added tasks, a CompareValue task named `case(<str(value)>)` is bound to the
 * condition, and every task of the block without an upstream inside the block gets it upstream.
 */
import { checkPoison, describe } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { native, pyStr, type Value } from '../values.js';
import type { CallArgs, CaseCtx, Interp } from '../evaluator/interp-types.js';
import { bindTask, newBuiltinTask } from './task-ops.js';

/** `case(task, value)`: the context manager value. */
export function makeCase(_interp: Interp, args: CallArgs, node: Syntax): Value {
  const names = ['task', 'value'];
  const got = new Map<string, Value>();
  args.positional.forEach((v, i) => {
    const n = names[i];
    if (!n) raisePy(node, 'TypeError', 'case() takes 2 positional arguments');
    got.set(n, v);
  });
  for (const [k, v] of args.keywords) {
    if (!names.includes(k) || got.has(k)) raisePy(node, 'TypeError', `case() got an unexpected keyword argument '${k}'`);
    got.set(k, v);
  }
  const task = got.get('task');
  const value = got.get('value');
  if (!task || !value) return raisePy(node, 'TypeError', 'case() missing required arguments');
  checkPoison(task);
  checkPoison(value);
  if (value.kind === 'task') raisePy(node, 'TypeError', '`value` cannot be a task');
  return native('case', { task, value, node });
}

/** `case.__exit__`. */
export function exitCase(interp: Interp, c: CaseCtx): void {
  if (c.tasks.size === 0 || !c.flow) return;
  const flow = c.flow;
  const label = interp.str(c.value, c.node);
  const cond = newBuiltinTask(interp, 'CompareValue', c.node, new Map([['name', pyStr(`case(${label})`)]]));
  bindTask(interp, cond, { positional: [], keywords: [['value', c.task]] }, false, undefined, flow, c.node);
  const condV: Value = { kind: 'task', t: cond };
  for (const child of c.tasks) {
    const upstream = flow.upstreamOf(child);
    if ([...c.tasks].some((t) => upstream.has(t))) continue;
    flow.setDependencies(interp, { kind: 'task', t: child }, [condV], [], [], false, c.node);
  }
}

/** `merge(*tasks, flow=None, mapped=False)`: a Merge task bound to task_1, task_2, .... */
export function merge(interp: Interp, args: CallArgs, node: Syntax): Value {
  let flow;
  let mapped = false;
  for (const [k, v] of args.keywords) {
    if (k === 'flow') flow = v.kind === 'flow' ? v.f : v.kind === 'none' ? undefined : refuse(node, `merge(flow=${describe(v)})`);
    else if (k === 'mapped') mapped = v.kind === 'bool' ? v.v : refuse(node, 'merge(mapped=...) that is not a bool');
    else raisePy(node, 'TypeError', `merge() got an unexpected keyword argument '${k}'`);
  }
  const task = newBuiltinTask(interp, 'Merge', node);
  const keywords: [string, Value][] = args.positional.map((t, i) => [`task_${i + 1}`, t]);
  return { kind: 'task', t: bindTask(interp, task, { positional: [], keywords }, mapped, undefined, flow, node) };
}

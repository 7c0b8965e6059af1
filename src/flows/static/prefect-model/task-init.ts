/**
 * `Task.__init__` of Prefect 1.4.1: which keyword does what, the validations that raise, and
 * the context tags every new task picks up.
 */
import { checkPoison, describe, expectInt, expectOptStr, expectStr, refuseUnknown, timedeltaMicros, timedeltaSeconds } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import type { Interp } from '../evaluator/interp-types.js';
import type { Value } from '../values.js';
import { DURATION_ONLY, NEVER_USE, type FnRef, type TaskObj } from './task.js';

/** Task.__init__'s parameters in order (positional calls bind in this order). */
export const TASK_INIT_PARAMS = [
  'name', 'slug', 'tags', 'max_retries', 'retry_delay', 'timeout', 'trigger', 'skip_on_upstream_skip',
  'cache_for', 'cache_validator', 'cache_key', 'checkpoint', 'state_handlers', 'on_failure', 'log_stdout',
  'result', 'target', 'task_run_name', 'nout',
] as const;

const TASK_INIT_SET = new Set<string>(TASK_INIT_PARAMS);

/** True for a keyword `Task.__init__` accepts. */
export function isTaskInitParam(name: string): boolean {
  return TASK_INIT_SET.has(name);
}

/** A function reference value (trigger, cache validator) or undefined. */
export function fnRefOf(v: Value): FnRef | undefined {
  if (v.kind === 'native' && v.type === 'fnref') return v.data as FnRef;
  return undefined;
}

/**
 * Applies Task.__init__ to `task` with keyword arguments (positional ones already mapped to
 * names). `defaultName` is `type(self).__name__`.
 */
export function initTask(interp: Interp, task: TaskObj, kwargs: Map<string, Value>, defaultName: string, node: Syntax): void {
  if (interp.contextPoison) throw interp.contextPoison;
  for (const [key, v] of kwargs) {
    if (!TASK_INIT_SET.has(key)) raisePy(node, 'TypeError', `__init__() got an unexpected keyword argument '${key}'`);
    checkPoison(v);
  }
  const get = (k: string): Value | undefined => {
    const v = kwargs.get(k);
    return v === undefined || v.kind === 'none' ? undefined : v;
  };

  const name = kwargs.get('name');
  // `name or type(self).__name__`: an empty name falls back too.
  const nameStr = name === undefined || name.kind === 'none' ? '' : expectStr(name, node, 'the task name');
  task.name = nameStr === '' ? defaultName : nameStr;
  task.slug = expectOptStr(kwargs.get('slug'), node, 'the task slug');

  const tags = get('tags');
  task.tags = new Set<string>();
  if (tags !== undefined) {
    if (tags.kind === 'str') raisePy(node, 'TypeError', 'Tags should be a set of tags, not a string.');
    for (const t of interp.iterate(tags, node)) task.tags.add(expectStr(t, node, 'each task tag'));
  }
  for (const t of interp.ctx.tags) task.tags.add(t);

  const maxRetries = get('max_retries');
  task.maxRetries = maxRetries === undefined ? 0 : expectInt(maxRetries, node, 'max_retries');
  const retryDelay = get('retry_delay');
  task.retryDelay = null;
  if (retryDelay !== undefined) {
    const micros = timedeltaMicros(retryDelay);
    if (micros === undefined) {
      if (retryDelay.kind === 'opaque') refuseUnknown(retryDelay, node, 'retry_delay');
      refuse(node, `retry_delay must be a datetime.timedelta here, got ${describe(retryDelay)}`);
    }
    task.retryDelay = timedeltaSeconds(micros, node);
  }
  if (task.maxRetries > 0 && retryDelay === undefined) {
    raisePy(node, 'ValueError', 'A datetime.timedelta `retry_delay` must be provided if max_retries > 0');
  }
  if (retryDelay !== undefined && !task.maxRetries) {
    raisePy(node, 'ValueError', 'A `max_retries` argument greater than 0 must be provided if specifying a retry delay.');
  }

  const timeout = get('timeout');
  task.timeout = null;
  if (timeout !== undefined) {
    const micros = timedeltaMicros(timeout);
    if (micros !== undefined) task.timeout = timedeltaSeconds(micros, node);
    else if (timeout.kind === 'int') task.timeout = expectInt(timeout, node, 'timeout');
    else if (timeout.kind === 'opaque') refuseUnknown(timeout, node, 'timeout');
    else if (timeout.kind === 'bool') refuse(node, 'a boolean timeout');
    else raisePy(node, 'TypeError', 'Only integer timeouts (representing seconds) are supported.');
  }

  const trigger = get('trigger');
  task.trigger = trigger === undefined ? { fn: 'prefect.triggers.all_successful', kwargs: [] } : triggerRef(trigger, node);

  const skip = kwargs.get('skip_on_upstream_skip');
  // Serialized as a Boolean field: only real booleans are certain.
  task.skipOnUpstreamSkip = skip === undefined ? true : skip.kind === 'bool' ? skip.v : refuse(node, `skip_on_upstream_skip must be True or False here, got ${describe(skip)}`);

  const cacheFor = get('cache_for');
  task.cacheFor = null;
  if (cacheFor !== undefined) {
    const micros = timedeltaMicros(cacheFor);
    if (micros === undefined) refuse(node, `cache_for must be a datetime.timedelta here, got ${describe(cacheFor)}`);
    task.cacheFor = timedeltaSeconds(micros, node);
  }
  task.cacheKey = expectOptStr(kwargs.get('cache_key'), node, 'cache_key');
  const validator = get('cache_validator');
  if (validator === undefined) task.cacheValidator = cacheFor === undefined ? NEVER_USE : DURATION_ONLY;
  else {
    const ref = fnRefOf(validator);
    if (!ref || !ref.fn.startsWith('prefect.engine.cache_validators.')) refuse(node, 'only the cache validators of prefect.engine.cache_validators are supported');
    task.cacheValidator = ref;
  }

  const stateHandlers = get('state_handlers');
  if (stateHandlers !== undefined && stateHandlers.kind !== 'list' && stateHandlers.kind !== 'tuple') {
    if (stateHandlers.kind === 'set' || stateHandlers.kind === 'dict') raisePy(node, 'TypeError', 'state_handlers should be iterable.');
    if (stateHandlers.kind === 'opaque') refuseUnknown(stateHandlers, node, 'state_handlers');
  }

  const nout = get('nout');
  task.nout = nout === undefined ? task.signature.inferredNout : expectInt(nout, node, 'nout');
  task.checkpoint = kwargs.get('checkpoint');
  task.result = kwargs.get('result');
  task.autoGenerated = false;
}

/** A trigger as TaskSchema dumps it: built-in, or a plain module-level function of the repo. */
export function triggerRef(v: Value, node: Syntax): FnRef {
  const ref = fnRefOf(v);
  if (ref) return ref;
  if (v.kind === 'func') {
    // A function defined inside another one would carry closure values (nonlocals).
    if (v.closure.kind !== 'module') refuse(node, 'a custom trigger defined inside a function (closure values are serialized)');
    return { fn: `${v.module}.${v.qualname}`, kwargs: [] };
  }
  if (v.kind === 'opaque') refuseUnknown(v, node, 'the trigger');
  return refuse(node, `the trigger must be a function, got ${describe(v)}`);
}

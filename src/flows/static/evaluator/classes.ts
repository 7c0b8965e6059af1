/**
 * Classes defined in flow files. Task subclasses are modelled (type `<module>.<qualname>`, run
 * signature, a user `__init__` that stores attributes and calls `super().__init__`); other
 * classes can hold constants but are not instantiated.
 */
import { checkPoison, describe } from '../convert.js';
import { renderAnnotation, inferNout } from '../prefect-model/annotations.js';
import { initializing, setMethodInvoker } from '../prefect-model/task-attrs.js';
import { initTask, TASK_INIT_PARAMS } from '../prefect-model/task-init.js';
import { BUILTIN_TASK_CLASSES } from '../prefect-model/task-ops.js';
import { TaskObj, type RunSignature } from '../prefect-model/task.js';
import { raisePy, refuse } from '../refusal.js';
import { field, namedChildren, textOf, type Syntax } from '../syntax.js';
import { native, NONE, prefectOpaque, pyStr, type ClassV, type FuncV, type Value } from '../values.js';
import { invokeFunction } from './functions.js';
import type { CallArgs, Interp } from './interp-types.js';
import { qualPrefixOf } from './expressions.js';
import { Scope } from './scope.js';
import type { Completion } from './statements.js';

const RESERVED_RUN_ARGS = ['upstream_tasks', 'mapped', 'task_args', 'flow'];

/** Task methods the loader implements itself: a subclass overriding one is not modelled. */
const MODELLED_TASK_METHODS = new Set(['__call__', '__new__', 'bind', 'map', 'copy', 'set_upstream', 'set_downstream',
  'set_dependencies', '__getitem__', '__iter__', 'inputs', 'outputs', 'serialize', '__repr__', '__str__', '__getattr__',
  '__getattribute__', '__setattr__', '__or__', '__ror__', '__add__', '__radd__', '__sub__', '__rsub__', '__mul__', '__rmul__',
  '__truediv__', '__rtruediv__', '__floordiv__', '__rfloordiv__', '__mod__', '__rmod__', '__pow__', '__rpow__', '__and__',
  '__rand__', '__gt__', '__ge__', '__lt__', '__le__', '__eq__', '__hash__', 'is_equal', 'is_not_equal', 'not_', 'or_']);

/** True for Prefect's own `Task` class value. */
export function isRootTask(c: ClassV): boolean {
  return c.prefectBase === 'Task' && c.node === undefined;
}

export function defineClass(interp: Interp, node: Syntax, scope: Scope, runBlock: (i: Interp, b: Syntax, s: Scope) => Completion): Value {
  const name = textOf(field(node, 'name') as Syntax);
  const qualname = qualPrefixOf(scope) + name;
  const supers = field(node, 'superclasses');
  const bases: ClassV[] = [];
  for (const b of supers ? namedChildren(supers) : []) {
    if (b.type === 'keyword_argument') return refuse(b, 'a class keyword (metaclass=...)');
    const v = interp.evalExpr(b, scope);
    checkPoison(v);
    if (v.kind === 'class') bases.push(v);
    else if (v.kind === 'opaque') {
      // A subclass of something unknown (e.g. an unmodelled Prefect task class): unknown too.
      return prefectOpaque(`the class ${name} (derived from ${v.what})`, false);
    } else if (v.kind === 'builtin' && v.pyType === 'object') continue;
    else return refuse(b, `a class derived from ${describe(v)}`);
  }
  if (bases.length > 1) return refuse(node, 'a class with several base classes');
  const base = bases[0];
  const body = new Scope('class', scope, scope.module);
  body.vars.set('\u0000qualname', pyStr(`${qualname}.`));
  runBlock(interp, field(node, 'body') as Syntax, body);
  body.vars.delete('\u0000qualname');
  const cls: ClassV = {
    kind: 'class', name, qualname, module: scope.module.name, bases, members: body.vars,
    prefectBase: base?.prefectBase, node,
  };
  if (cls.prefectBase === 'Task') {
    validateRun(cls, node);
    const overridden = [...cls.members.keys()].find((m) => MODELLED_TASK_METHODS.has(m));
    if (overridden) cls.unsupported = `${cls.name} overrides Task.${overridden}`;
    else if (base?.unsupported) cls.unsupported = base.unsupported;
  }
  return cls;
}

/** TaskMetaclass: the class's own run() may not take *args or reserved argument names. */
function validateRun(cls: ClassV, node: Syntax): void {
  const run = cls.members.get('run');
  if (!run) return;
  if (run.kind !== 'func') return refuse(node, 'a Task subclass whose run is not a plain method');
  if (run.params.some((p) => p.kind === 'varargs')) {
    raisePy(node, 'ValueError', 'Tasks with variable positional arguments (*args) are not supported, because all Prefect arguments are stored as keywords.');
  }
  const violations = run.params.filter((p) => (p.kind === 'pos' || p.kind === 'posonly') && RESERVED_RUN_ARGS.includes(p.name)).map((p) => p.name);
  if (violations.length > 0) raisePy(node, 'ValueError', `Tasks cannot have the following argument names: ${violations.join(', ')}. These are reserved keyword arguments.`);
}

/** Finds a member up the (single-inheritance) class chain. */
function lookupMember(cls: ClassV | undefined, name: string): { fn: Value; owner: ClassV } | undefined {
  for (let c = cls; c; c = c.bases[0]) {
    const v = c.members.get(name);
    if (v !== undefined) return { fn: v, owner: c };
  }
  return undefined;
}

/** The run() signature of a task class, as `inspect.signature(task.run)` shows it. */
export function runSignature(interp: Interp, cls: ClassV, node: Syntax): RunSignature {
  const found = lookupMember(cls, 'run');
  if (!found || isRootTask(found.owner)) return { params: [], outputs: 'None', inferredNout: null };
  const run = found.fn;
  if (run.kind !== 'func') return refuse(node, 'a Task subclass whose run is not a plain method');
  return functionSignature(interp, run, true, node);
}

/** A user function's signature with rendered annotations (dropping `self` for methods). */
export function functionSignature(interp: Interp, fn: FuncV, isMethod: boolean, node: Syntax): RunSignature {
  const params = isMethod ? fn.params.slice(1) : fn.params;
  if (isMethod && (fn.params.length === 0 || fn.params[0]?.kind === 'varargs' || fn.params[0]?.kind === 'kwonly')) {
    return refuse(node, 'a run() method without a self parameter');
  }
  const resolve = (n: Syntax, s: Scope): Value => interp.evalExpr(n, s);
  return {
    params: params.map((p) => ({ name: p.name, kind: p.kind, hasDefault: p.default !== undefined, type: renderAnnotation(p.annotation, fn.closure, resolve) })),
    outputs: renderAnnotation(fn.returns, fn.closure, resolve),
    inferredNout: inferNout(fn.returns, fn.closure, resolve),
  };
}

/** Maps Task.__init__'s positional arguments to names. */
export function taskInitKwargs(args: CallArgs, node: Syntax): Map<string, Value> {
  const kw = new Map<string, Value>();
  args.positional.forEach((v, i) => {
    const name = TASK_INIT_PARAMS[i];
    if (!name) raisePy(node, 'TypeError', '__init__() takes too many positional arguments');
    kw.set(name, v);
  });
  for (const [k, v] of args.keywords) {
    if (kw.has(k)) raisePy(node, 'TypeError', `__init__() got multiple values for argument '${k}'`);
    kw.set(k, v);
  }
  return kw;
}

/** `Cls(*args, **kwargs)`. */
export function instantiate(interp: Interp, cls: ClassV, args: CallArgs, node: Syntax): Value {
  if (cls.prefectBase !== 'Task') return refuse(node, `creating an instance of the class ${cls.name} (only Task subclasses are modelled)`);
  if (cls.unsupported) return refuse(node, `a Task subclass whose behaviour is not modelled: ${cls.unsupported}`);
  if (isRootTask(cls)) {
    const spec = BUILTIN_TASK_CLASSES.Task;
    const task = new TaskObj(spec?.type ?? 'prefect.core.task.Task', undefined, spec?.signature ?? { params: [], outputs: 'None', inferredNout: null }, node);
    initTask(interp, task, taskInitKwargs(args, node), 'Task', node);
    return { kind: 'task', t: task };
  }
  const task = new TaskObj(`${cls.module}.${cls.qualname}`, undefined, runSignature(interp, cls, node), node);
  task.cls = cls;
  const self: Value = { kind: 'task', t: task };
  const init = lookupMember(cls, '__init__');
  if (!init || isRootTask(init.owner)) {
    initTask(interp, task, taskInitKwargs(args, node), cls.name, node);
    return self;
  }
  if (init.fn.kind !== 'func') return refuse(node, 'an __init__ that is not a plain method');
  initializing.add(task);
  invokeMethod(interp, init.fn, self, init.owner, args, node);
  if (initializing.has(task)) {
    initializing.delete(task);
    return refuse(node, `${cls.name}.__init__ does not call super().__init__() (Task attributes would be missing)`);
  }
  return self;
}

/** Calls a method with `self` bound; `super()` inside it starts after `owner`. */
export function invokeMethod(interp: Interp, fn: FuncV, self: Value, owner: ClassV, args: CallArgs, node: Syntax): Value {
  return invokeFunction(interp, fn, { positional: [self, ...args.positional], keywords: args.keywords }, node, [['\u0000class', owner], ['\u0000self', self]]);
}
setMethodInvoker(invokeMethod);

/** `super()` inside a method: a proxy whose `__init__` is the next class's. */
export function superObject(_interp: Interp, scope: Scope, node: Syntax): Value {
  const owner = scope.lookup('\u0000class');
  const self = scope.lookup('\u0000self');
  if (typeof owner !== 'object' || typeof self !== 'object' || owner.value.kind !== 'class') return refuse(node, 'super() outside a method');
  return native('super', { owner: owner.value, self: self.value });
}

/** Attributes of `super()`: only `__init__` is modelled. */
export function superAttribute(_interp: Interp, data: { owner: ClassV; self: Value }, name: string, node: Syntax): Value {
  if (name !== '__init__') return refuse(node, `super().${name}`);
  const next = data.owner.bases[0];
  const found = lookupMember(next, '__init__');
  return {
    kind: 'builtin', name: 'super().__init__', prefect: true,
    call: (i, args, n) => {
      if (!next) return NONE;
      if (found && !isRootTask(found.owner)) {
        if (found.fn.kind !== 'func') return refuse(n, 'an __init__ that is not a plain method');
        return invokeMethod(i, found.fn, data.self, found.owner, args, n);
      }
      if (next.prefectBase !== 'Task') return NONE;
      return taskInitOnSelf(i, data.self, args, n);
    },
  };
}

/** `Task.__init__(self, ...)` on a task that a user `__init__` is constructing. */
export function taskInitOnSelf(interp: Interp, self: Value, args: CallArgs, node: Syntax): Value {
  if (self.kind !== 'task') return refuse(node, `Task.__init__ on ${describe(self)}`);
  const task = self.t;
  if (!initializing.has(task)) return refuse(node, 'Task.__init__ called twice');
  initializing.delete(task);
  initTask(interp, task, taskInitKwargs(args, node), task.cls?.name ?? 'Task', node);
  return NONE;
}

/** Attributes of a class object. */
export function classAttribute(_interp: Interp, cls: ClassV, name: string, node: Syntax): Value {
  if (name === '__name__') return pyStr(cls.name);
  if (name === '__qualname__') return pyStr(cls.qualname);
  if (isRootTask(cls) && name === '__init__') {
    return { kind: 'builtin', name: 'Task.__init__', prefect: true, call: (i, args, n) => taskInitOnSelf(i, args.positional[0] ?? NONE, { positional: args.positional.slice(1), keywords: args.keywords }, n) };
  }
  const found = lookupMember(cls, name);
  if (found) {
    checkPoison(found.fn);
    return found.fn;
  }
  if (isRootTask(cls)) return refuse(node, `Task.${name}`);
  return raisePy(node, 'AttributeError', `type object '${cls.name}' has no attribute '${name}'`);
}


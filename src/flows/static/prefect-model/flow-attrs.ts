/** The Flow methods and attributes flow files use (the imperative API and configuration). */
import { checkPoison, describe, expectBool, expectStr } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { NONE, plainOpaque, pyStr, type BuiltinV, type Value } from '../values.js';
import { bindArguments, type Bound } from '../evaluator/binding.js';
import type { CallArgs, Interp } from '../evaluator/interp-types.js';
import type { FlowObj } from './flow.js';
import type { TaskObj } from './task.js';

function method(name: string, call: (interp: Interp, args: CallArgs, node: Syntax) => Value): BuiltinV {
  return { kind: 'builtin', name: `Flow.${name}`, call, prefect: true };
}

function params(names: string[], required: number): { name: string; kind: 'pos'; hasDefault: boolean }[] {
  return names.map((n, i) => ({ name: n, kind: 'pos', hasDefault: i >= required }));
}

function getter(bound: Bound[]): (n: string) => Value | undefined {
  return (n) => {
    const b = bound.find((x) => x.name === n);
    return b && b.kind === 'value' && b.value.kind !== 'none' ? b.value : undefined;
  };
}

function optBool(v: Value | undefined, node: Syntax, what: string): boolean {
  return v === undefined ? false : expectBool(v, node, what);
}

export function getFlowAttribute(interp: Interp, flow: FlowObj, name: string, node: Syntax): Value {
  const self: Value = { kind: 'flow', f: flow };
  switch (name) {
    case 'name': return pyStr(flow.name);
    case 'run_config': return flow.runConfig;
    case 'schedule': return flow.schedule;
    case 'storage': return flow.storage;
    case 'add_task': return method(name, (i, a, n) => {
      const get = getter(bindArguments(params(['task'], 1), a, name, n));
      const t = get('task') as Value;
      checkPoison(t);
      if (t.kind !== 'task') {
        if (t.kind === 'opaque') refuse(n, `adding ${t.what} to a flow`);
        raisePy(n, 'TypeError', `Tasks must be Task instances (received ${describe(t)})`);
      }
      flow.addTask(i, t.t, n);
      return t;
    });
    case 'add_edge': return method(name, (i, a, n) => {
      const get = getter(bindArguments(params(['upstream_task', 'downstream_task', 'key', 'mapped', 'flattened', 'validate'], 2), a, name, n));
      const keyV = get('key');
      const key = keyV === undefined ? null : expectStr(keyV, n, 'key');
      flow.addEdge(i, get('upstream_task') as Value, get('downstream_task') as Value, key, optBool(get('mapped'), n, 'mapped'), optBool(get('flattened'), n, 'flattened'), n);
      return plainOpaque('an Edge');
    });
    case 'set_dependencies': return method(name, (i, a, n) => {
      const get = getter(bindArguments(params(['task', 'upstream_tasks', 'downstream_tasks', 'keyword_tasks', 'mapped', 'validate'], 1), a, name, n));
      const kw = get('keyword_tasks');
      const keyword: [string, Value][] = [];
      if (kw) {
        if (kw.kind !== 'dict') refuse(n, 'keyword_tasks must be a dict');
        checkPoison(kw);
        for (const { k, v } of kw.map.values()) keyword.push([expectStr(k, n, 'a keyword_tasks key'), v]);
      }
      const up = get('upstream_tasks');
      const down = get('downstream_tasks');
      flow.setDependencies(i, get('task') as Value, up ? i.iterate(up, n) : [], down ? i.iterate(down, n) : [], keyword, optBool(get('mapped'), n, 'mapped'), n);
      return NONE;
    });
    case 'set_reference_tasks': return method(name, (i, a, n) => {
      const get = getter(bindArguments(params(['tasks'], 1), a, name, n));
      const tasks = get('tasks');
      const refs = tasks === undefined ? [] : i.iterate(tasks, n);
      const out: TaskObj[] = [];
      for (const r of refs) {
        checkPoison(r);
        if (r.kind !== 'task') return refuse(n, `a reference task that is ${describe(r)}`);
        if (!flow.has(r.t)) raisePy(n, 'ValueError', 'reference tasks must be part of the flow.');
        if (!out.includes(r.t)) out.push(r.t);
      }
      flow.referenceTasks = out;
      return NONE;
    });
    case 'chain': return method(name, (i, a, n) => {
      if (a.keywords.some(([k]) => k !== 'validate')) raisePy(n, 'TypeError', 'chain() got an unexpected keyword argument');
      for (let k = 0; k + 1 < a.positional.length; k++) {
        flow.addEdge(i, a.positional[k] as Value, a.positional[k + 1] as Value, null, false, false, n);
      }
      return plainOpaque('a list of Edges');
    });
    // prefect register loads files with `loading_flow` set: run() and register() warn and return None.
    case 'run': case 'register': return method(name, () => NONE);
    default:
      void self;
      return refuse(node, `flow.${name} while building a flow`);
  }
}

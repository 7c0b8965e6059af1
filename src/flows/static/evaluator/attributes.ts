/** Attribute reads, dispatched on what the object is. */
import { checkPoison, describe } from '../convert.js';
import { getFlowAttribute } from '../prefect-model/flow-attrs.js';
import { getTaskAttribute } from '../prefect-model/task-attrs.js';
import { prefectSubmodules } from '../prefect-model/namespace.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { plainOpaque, prefectOpaque, pyStr, type ClassV, type Value } from '../values.js';
import { classAttribute, superAttribute } from './classes.js';
import type { Interp } from './interp-types.js';
import { valueMethod } from '../stdlib/methods.js';
import { nativeAttribute } from '../stdlib/natives.js';

export function getAttribute(interp: Interp, obj: Value, name: string, node: Syntax): Value {
  checkPoison(obj);
  switch (obj.kind) {
    case 'module': {
      const v = obj.attrs.get(name);
      if (v !== undefined) {
        checkPoison(v);
        return v;
      }
      if (obj.origin === 'repo') return raisePy(node, 'AttributeError', `module '${obj.name}' has no attribute '${name}'`);
      if (obj.origin === 'modelled' && obj.prefectish && prefectSubmodules(obj.name).includes(name)) {
        // `import prefect` makes its subpackages reachable as attributes.
        const sub = interp.host.importModule(interp, `${obj.name}.${name}`, node);
        obj.attrs.set(name, sub);
        return sub;
      }
      if (obj.origin === 'modelled') {
        // Prefect names the loader does not model could be tasks; stdlib ones cannot.
        return obj.prefectish ? prefectOpaque(`${obj.name}.${name}`, /flow/i.test(name)) : plainOpaque(`${obj.name}.${name}`);
      }
      return obj.prefectish ? prefectOpaque(`${obj.name}.${name}`) : plainOpaque(`${obj.name}.${name}`);
    }
    case 'task': return getTaskAttribute(interp, obj.t, name, node);
    case 'flow': return getFlowAttribute(interp, obj.f, name, node);
    case 'class': return classAttribute(interp, obj, name, node);
    case 'func':
      if (name === '__name__') return pyStr(obj.name);
      if (name === '__qualname__') return pyStr(obj.qualname);
      return refuse(node, `reading ${obj.name}.${name}`);
    case 'opaque':
      // Prefect's own functions return flows only where the name says so (extract_flow_*, get_flow).
      return obj.prefectish ? prefectOpaque(`${obj.what}.${name}`, obj.mayBeFlow || /flow/i.test(name), obj.origin) : plainOpaque(`${obj.what}.${name}`);
    case 'native':
      if (obj.type === 'super') return superAttribute(interp, obj.data as { owner: ClassV; self: Value }, name, node);
      return nativeAttribute(interp, obj, name, node);
    case 'builtin': {
      const v = obj.attrs?.get(name);
      if (v !== undefined) return v;
      return refuse(node, `reading ${obj.name}.${name}`);
    }
    default: {
      const m = valueMethod(interp, obj, name, node);
      if (m) return m;
      return refuse(node, `the attribute ${name} of ${describe(obj)}`);
    }
  }
}

/**
 * Name lookup: scopes, then Python builtins. `__name__` of the flow script is special: it is
 * `<flow>` while `prefect register` runs the file but something else when a flow run loads it,
 * so only `__name__ == "__main__"` (false both times) is evaluated; other uses are refused.
 */
import { checkPoison } from '../convert.js';
import { raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { native, plainOpaque, pyStr, type Value } from '../values.js';
import type { Interp } from './interp-types.js';
import type { Scope } from './scope.js';
import { PY_BUILTINS } from '../stdlib/builtins.js';

export function lookupName(interp: Interp, name: string, node: Syntax, scope: Scope): Value {
  const found = scope.lookup(name);
  if (found === 'unbound') return raisePy(node, 'UnboundLocalError', `local variable '${name}' referenced before assignment`);
  if (found !== 'missing') {
    checkPoison(found.value);
    return found.value;
  }
  if (name === '__name__') {
    return scope.module.packageName === undefined && scope.module.name === '<flow>' ? native('dunder_name', scope.module.name) : pyStr(scope.module.name);
  }
  if (name === '__file__') return plainOpaque('__file__ (the path differs between registration and flow runs)');
  if (name === '__doc__') return plainOpaque('the module docstring');
  if (name === '__builtins__') return refuse(node, '__builtins__ (builtins may be replaced)');
  // Other module dunders (__spec__, __package__, ...) exist at run time; their values are not modelled.
  if (/^__\w+__$/.test(name)) return plainOpaque(name);
  const builtin = PY_BUILTINS.get(name);
  if (builtin) return builtin;
  return raisePy(node, 'NameError', `name '${name}' is not defined`);
}

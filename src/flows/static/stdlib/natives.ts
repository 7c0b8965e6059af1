/** Attributes of modelled native objects (timedeltas, views, run configs, ...). */
import { refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import type { NativeV, Value } from '../values.js';
import type { Interp } from '../evaluator/interp-types.js';
import { timedeltaAttribute } from './time.js';

export function nativeAttribute(_interp: Interp, obj: NativeV, name: string, node: Syntax): Value {
  if (obj.type === 'timedelta') return timedeltaAttribute(obj.data as bigint, name, node);
  if (obj.type === 'dunder_name') return refuse(node, '__name__ (it differs between registration and flow runs)');
  return refuse(node, `the attribute ${name} of a ${obj.type} object`);
}

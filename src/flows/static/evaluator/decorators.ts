/** Applying decorators bottom-up: `@task`, `@task(...)`, user decorators, known-harmless ones. */
import type { Syntax } from '../syntax.js';
import type { Value } from '../values.js';
import type { Interp } from './interp-types.js';
import type { Scope } from './scope.js';

export function applyDecorators(interp: Interp, decorators: { node: Syntax; value: Value }[], defined: Value, _scope: Scope): Value {
  let v = defined;
  for (let i = decorators.length - 1; i >= 0; i--) {
    const d = decorators[i] as { node: Syntax; value: Value };
    v = interp.call(d.value, { positional: [v], keywords: [] }, d.node);
  }
  return v;
}

/**
 * One interpreter per flow file: the Prefect context, the step budget, and the glue between
 * expressions, calls, attributes and iteration. `runModule` executes a module's statements,
 * turning a refused statement into poison instead of stopping the file.
 */
import { refuseUnknown } from '../convert.js';
import { reprOf, strOf } from '../py-repr.js';
import { FileRefusal, Refusal, refuse } from '../refusal.js';
import { namedChildren, type Syntax } from '../syntax.js';
import type { Value } from '../values.js';
import { getAttribute } from './attributes.js';
import { callValue } from './calls.js';
import { evaluate } from './expressions.js';
import type { CallArgs, Interp, ModuleHost, PrefectContext } from './interp-types.js';
import { iterateAll, iterOf } from './iteration.js';
import { truthOf } from './ops.js';
import { poisonStatement } from './poison.js';
import type { Scope } from './scope.js';
import { execStatement, setLoopIterator } from './statements.js';

setLoopIterator((interp, v, node) => iterOf(interp, v, node));

/** Evaluation steps one file may take (a runaway loop is refused, not waited for). */
export const MAX_STEPS = 1_000_000;

export class Interpreter implements Interp {
  ctx: PrefectContext = { flow: undefined, tags: new Set(), caseCtx: undefined };
  readonly refusals: Refusal[] = [];
  private steps = 0;
  private ids = 0;

  /**
   * Per file: prefect register loads each file inside `prefect.context(...)`, which restores the
   * context afterwards, so a change made while loading one file does not reach the next.
   */
  contextPoison: Refusal | undefined;

  constructor(readonly host: ModuleHost) {}

  step(node: Syntax): void {
    // The whole file: the loader cannot tell a long computation from one that never ends (and then
    // Python never finishes importing the file, so none of its flows can be registered).
    if (++this.steps > MAX_STEPS) throw new FileRefusal(node, `more than ${MAX_STEPS} evaluation steps (the file computes too much, or never finishes)`);
  }

  evalExpr(node: Syntax, scope: Scope): Value {
    return evaluate(this, node, scope);
  }

  call(fn: Value, args: CallArgs, node: Syntax): Value {
    return callValue(this, fn, args, node);
  }

  getAttr(obj: Value, name: string, node: Syntax): Value {
    return getAttribute(this, obj, name, node);
  }

  iterate(v: Value, node: Syntax): Value[] {
    return iterateAll(this, v, node);
  }

  truthy(v: Value, node: Syntax): boolean {
    const t = truthOf(v);
    if (t !== undefined) return t;
    if (v.kind === 'opaque') return refuseUnknown(v, node, 'a condition');
    return refuse(node, 'the truth value of a value the loader does not model');
  }

  str(v: Value, node: Syntax): string {
    const s = strOf(v) ?? this.objectRepr(v);
    if (s !== undefined) return s;
    if (v.kind === 'opaque') return refuseUnknown(v, node, 'text made from a value');
    return refuse(node, 'str() of a value whose text is not certain');
  }

  repr(v: Value, node: Syntax): string {
    const s = reprOf(v) ?? this.objectRepr(v);
    if (s !== undefined) return s;
    if (v.kind === 'opaque') return refuseUnknown(v, node, 'text made from a value');
    return refuse(node, 'repr() of a value whose text is not certain');
  }

  /** Task.__repr__, Parameter.__repr__ and Flow.__repr__ of Prefect 1.4.1. */
  private objectRepr(v: Value): string | undefined {
    if (v.kind === 'task' && v.t.name !== undefined) return v.t.isParameter ? `<Parameter: ${v.t.name}>` : `<Task: ${v.t.name}>`;
    if (v.kind === 'flow') return `<Flow: name="${v.f.name}">`;
    return undefined;
  }

  nextId(): number {
    return ++this.ids;
  }
}

/** Runs a module's statements; a refused statement poisons what it could have changed. */
export function runModule(interp: Interp, module: Syntax, scope: Scope): void {
  for (const stmt of namedChildren(module)) {
    try {
      const c = execStatement(interp, stmt, scope);
      if (c) refuse(stmt, `"${c.type}" outside a function or loop`);
    } catch (e) {
      if (!(e instanceof Refusal) || e instanceof FileRefusal) throw e;
      interp.refusals.push(e);
      poisonStatement(interp, stmt, e, scope);
    }
  }
}

/**
 * Operators. On plain values they compute; with a Task operand they build the operator task
 * Prefect builds (`a + b` → `Add().bind(a, b)`, `a | b` → a state dependency); comparisons and
 * other operators on tasks are refused, as are operators on unknown values that could be tasks.
 */
import { checkPoison, describe, refuseUnknown } from '../convert.js';
import { operatorTask } from '../prefect-model/task-ops.js';
import { raisePy, refuse } from '../refusal.js';
import { field, type Syntax } from '../syntax.js';
import { FALSE, plainOpaque, pyBool, pyFloatV, pyInt, TRUE, type Value } from '../values.js';
import type { Interp } from './interp-types.js';
import { arith, compare, equals, keyOf } from './ops.js';
import type { Scope } from './scope.js';

const TASK_OPERATORS: Record<string, string> = { '+': 'Add', '-': 'Sub', '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '**': 'Pow', '%': 'Mod', '&': 'And' };

function operatorText(node: Syntax): string {
  const op = field(node, 'operator');
  // Anonymous tokens are named after their text (the converter keeps no offsets for them).
  if (op) return op.type;
  const token = node.children.find((c) => !c.named);
  return token ? token.type : '?';
}

export function evalBinary(interp: Interp, node: Syntax, scope: Scope): Value {
  const left = interp.evalExpr(field(node, 'left') as Syntax, scope);
  const right = interp.evalExpr(field(node, 'right') as Syntax, scope);
  return binaryOp(interp, operatorText(node), left, right, node);
}

/** `left <op> right` (also used by augmented assignment). */
export function binaryOp(interp: Interp, op: string, left: Value, right: Value, node: Syntax): Value {
  checkPoison(left);
  checkPoison(right);
  if (left.kind === 'task' || right.kind === 'task') return taskOperator(interp, op, left, right, node);
  if (left.kind === 'opaque' || right.kind === 'opaque') {
    const unknown = (left.kind === 'opaque' ? left : right) as Extract<Value, { kind: 'opaque' }>;
    const other = left.kind === 'opaque' ? right : left;
    if (unknown.prefectish) refuseUnknown(unknown, node, `an operand of "${op}"`);
    if (other.kind === 'opaque' && other.prefectish) refuseUnknown(other, node, `an operand of "${op}"`);
    return plainOpaque(`the result of an operation on ${unknown.what}`);
  }
  if (op === '%' && left.kind === 'str') return refuse(node, 'printf-style string formatting (%)');
  if (left.kind === 'native' && left.type === 'timedelta' && right.kind === 'native' && right.type === 'timedelta' && (op === '+' || op === '-')) {
    const a = left.data as bigint;
    const b = right.data as bigint;
    return { kind: 'native', type: 'timedelta', data: op === '+' ? a + b : a - b };
  }
  if (left.kind === 'native' && left.type === 'timedelta' && right.kind === 'int' && op === '*') {
    return { kind: 'native', type: 'timedelta', data: (left.data as bigint) * right.v };
  }
  if (right.kind === 'native' && right.type === 'timedelta' && left.kind === 'int' && op === '*') {
    return { kind: 'native', type: 'timedelta', data: (right.data as bigint) * left.v };
  }
  const result = arith(op, left, right, node);
  if (result !== undefined) return result;
  return refuse(node, `the operator "${op}" on ${describe(left)} and ${describe(right)}`);
}

function taskOperator(interp: Interp, op: string, left: Value, right: Value, node: Syntax): Value {
  // With the task on the left, Task.__add__ runs first and an unknown plain value becomes a
  // constant. On the left, an unknown object's own __add__ would run first: not certain.
  if (left.kind === 'opaque') refuseUnknown(left, node, `the left operand of "${op}" next to a task`);
  if (right.kind === 'opaque' && right.prefectish) refuseUnknown(right, node, `an operand next to a task in "${op}"`);
  if (op === '|') {
    // Task.__or__: self.set_dependencies(downstream_tasks=[other]); returns other.
    // Task.__ror__ (other | task): task.set_dependencies(upstream_tasks=[other]); returns task.
    const flow = interp.ctx.flow;
    if (!flow) raisePy(node, 'ValueError', 'No Flow was passed, and could not infer an active Flow context.');
    if (left.kind === 'task') {
      flow.setDependencies(interp, left, [], [right], [], false, node);
      return right;
    }
    flow.setDependencies(interp, right, [left], [], [], false, node);
    return right;
  }
  const cls = TASK_OPERATORS[op];
  if (!cls) return refuse(node, `the operator "${op}" on a task`);
  // Python tries left.__op__ first; a Task on the right gets __rop__ (built-in types return
  // NotImplemented for tasks), which binds (other, self): the operand order is kept either way.
  return { kind: 'task', t: operatorTask(interp, cls, left, right, node) };
}

export function evalUnary(interp: Interp, node: Syntax, scope: Scope): Value {
  const v = interp.evalExpr(field(node, 'argument') as Syntax, scope);
  checkPoison(v);
  const op = operatorText(node);
  if (v.kind === 'opaque') {
    if (v.prefectish) refuseUnknown(v, node, `the operand of unary "${op}"`);
    return plainOpaque(`the result of an operation on ${v.what}`);
  }
  const n = v.kind === 'bool' ? pyInt(v.v ? 1 : 0) : v;
  if (n.kind === 'int') {
    if (op === '-') return pyInt(-n.v);
    if (op === '+') return n;
    if (op === '~') return pyInt(-n.v - 1n);
  }
  if (n.kind === 'float') {
    if (op === '-') return pyFloatV(-n.v);
    if (op === '+') return n;
  }
  if (n.kind === 'native' && n.type === 'timedelta' && op === '-') return { kind: 'native', type: 'timedelta', data: -(n.data as bigint) };
  return refuse(node, `unary "${op}" on ${describe(v)}`);
}

export function evalBoolOp(interp: Interp, node: Syntax, scope: Scope): Value {
  const op = operatorText(node);
  const left = interp.evalExpr(field(node, 'left') as Syntax, scope);
  const truth = interp.truthy(left, node);
  if (op === 'and') return truth ? interp.evalExpr(field(node, 'right') as Syntax, scope) : left;
  return truth ? left : interp.evalExpr(field(node, 'right') as Syntax, scope);
}

/** Splits a comparison chain into operands and (possibly two-token) operators. */
function comparisonParts(node: Syntax): { operands: Syntax[]; ops: string[] } {
  const operands: Syntax[] = [];
  const ops: string[] = [];
  let pending: string | undefined;
  for (const c of node.children) {
    if (c.named) {
      if (c.type === 'comment') continue;
      if (pending !== undefined) {
        ops.push(pending);
        pending = undefined;
      }
      operands.push(c);
    } else {
      const t = c.type;
      pending = pending === undefined ? t : `${pending} ${t}`;
    }
  }
  return { operands, ops };
}

export function evalCompare(interp: Interp, node: Syntax, scope: Scope): Value {
  const { operands, ops } = comparisonParts(node);
  let left = interp.evalExpr(operands[0] as Syntax, scope);
  for (let i = 0; i < ops.length; i++) {
    const right = interp.evalExpr(operands[i + 1] as Syntax, scope);
    const r = compareOp(interp, ops[i] as string, left, right, node);
    if (r.kind === 'opaque') return r;
    if (!r.v) return FALSE;
    left = right;
  }
  return TRUE;
}

function isMainCheck(a: Value, b: Value): boolean | undefined {
  if (a.kind === 'native' && a.type === 'dunder_name' && b.kind === 'str') return b.v === '__main__' ? false : undefined;
  return undefined;
}

function compareOp(interp: Interp, op: string, a: Value, b: Value, node: Syntax): Value & ({ kind: 'bool' } | { kind: 'opaque' }) {
  checkPoison(a);
  checkPoison(b);
  if (op === '==' || op === '!=') {
    const main = isMainCheck(a, b) ?? isMainCheck(b, a);
    if (main !== undefined) return pyBool(op === '==' ? main : !main);
  }
  if ((a.kind === 'native' && a.type === 'dunder_name') || (b.kind === 'native' && b.type === 'dunder_name')) {
    return refuse(node, '__name__ compared with something other than "__main__" (it differs between registration and flow runs)');
  }
  if (a.kind === 'task' || b.kind === 'task') {
    if ((op === 'is' || op === 'is not') && (a.kind === 'none' || b.kind === 'none')) return pyBool(op === 'is not');
    return refuse(node, `comparing tasks with "${op}" (Prefect builds operator tasks or compares identities)`);
  }
  for (const side of [a, b]) {
    if (side.kind === 'opaque') {
      if (side.prefectish) refuseUnknown(side, node, `an operand of "${op}"`);
      return plainOpaque(`a comparison with ${side.what}`);
    }
  }
  switch (op) {
    case 'is': case 'is not': {
      let same: boolean | undefined;
      if (a.kind === 'none' || b.kind === 'none' || a.kind === 'bool' || b.kind === 'bool') same = a.kind === b.kind && (a.kind === 'none' || (a as { v: unknown }).v === (b as { v: unknown }).v);
      else if (['list', 'dict', 'set', 'func', 'class', 'module', 'flow'].includes(a.kind)) same = a === b || (a.kind === 'flow' && b.kind === 'flow' && a.f === b.f);
      if (same === undefined) return refuse(node, `"${op}" on ${describe(a)}`);
      return pyBool(op === 'is' ? same : !same);
    }
    case '==': case '!=': {
      const eq = equals(a, b);
      if (eq === undefined) return refuse(node, `comparing ${describe(a)} and ${describe(b)}`);
      return pyBool(op === '==' ? eq : !eq);
    }
    case '<': case '>': case '<=': case '>=': {
      const c = compare(a, b, node);
      if (c === undefined) return refuse(node, `ordering ${describe(a)} and ${describe(b)}`);
      return pyBool(op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0);
    }
    case 'in': case 'not in': {
      const r = contains(interp, b, a, node);
      return pyBool(op === 'in' ? r : !r);
    }
    default:
      return refuse(node, `the comparison "${op}"`);
  }
}

/** `item in container`. */
export function contains(interp: Interp, container: Value, item: Value, node: Syntax): boolean {
  if (container.kind === 'str') {
    if (item.kind !== 'str') raisePy(node, 'TypeError', "'in <string>' requires string as left operand");
    return container.v.includes(item.v);
  }
  if (container.kind === 'dict' || container.kind === 'set') {
    const key = keyOf(item);
    if (key === undefined) return refuse(node, `"in" with ${describe(item)}`);
    return container.map.has(key);
  }
  const items = interp.iterate(container, node);
  for (const x of items) {
    const eq = equals(x, item);
    if (eq === undefined) return refuse(node, `"in" comparing ${describe(x)} and ${describe(item)}`);
    if (eq) return true;
  }
  return false;
}


/**
 * `with` blocks: `with Flow(...)`, `with prefect.tags(...)`, `with case(...)`, and plain context
 * managers that cannot touch Prefect. Inside a flow block every statement is run on its own: a
 * refused statement refuses that flow (and poisons what it touched), the rest of the file goes on.
 */
import { refuseUnknown } from '../convert.js';
import { exitCase } from '../prefect-model/control-flow.js';
import { FileRefusal, Refusal, refuse } from '../refusal.js';
import { field, namedChildren, type Syntax } from '../syntax.js';
import { NONE, plainOpaque, type Value } from '../values.js';
import type { CaseCtx, Interp, PrefectContext } from './interp-types.js';
import { poisonStatement } from './poison.js';
import type { Scope } from './scope.js';
import type { Completion } from './statements.js';
import { assignTarget } from './targets.js';

type BlockRunner = (interp: Interp, block: Syntax, scope: Scope) => Completion;

interface Item {
  expr: Syntax;
  target: Syntax | undefined;
}

function items(node: Syntax): Item[] {
  const clause = namedChildren(node).find((c) => c.type === 'with_clause');
  if (!clause) return refuse(node, 'a with statement the loader cannot read');
  return namedChildren(clause).map((item) => {
    const value = field(item, 'value') ?? namedChildren(item)[0];
    if (!value) return refuse(item, 'a with item the loader cannot read');
    if (value.type === 'as_pattern') {
      const target = namedChildren(field(value, 'alias') as Syntax)[0];
      return { expr: namedChildren(value)[0] as Syntax, target };
    }
    return { expr: value, target: undefined };
  });
}

export function execWith(interp: Interp, node: Syntax, scope: Scope, runBlock: BlockRunner): Completion {
  if (node.children.some((c) => !c.named && c.type === 'async')) refuse(node, 'an async with statement');
  return enter(interp, items(node), 0, field(node, 'body') as Syntax, scope, runBlock);
}

function enter(interp: Interp, list: Item[], index: number, body: Syntax, scope: Scope, runBlock: BlockRunner): Completion {
  const item = list[index];
  if (!item) return runBody(interp, body, scope, runBlock);
  const manager = interp.evalExpr(item.expr, scope);
  const saved: PrefectContext = interp.ctx;
  let entered: Value;
  let onExit: (() => void) | undefined;
  if (manager.kind === 'flow') {
    if (manager.f.poison) throw manager.f.poison;
    interp.ctx = { ...saved, flow: manager.f };
    entered = manager;
  } else if (manager.kind === 'native' && manager.type === 'tags') {
    const tags = new Set(manager.data as string[]);
    for (const t of saved.tags) tags.add(t);
    interp.ctx = { ...saved, tags };
    entered = NONE;
  } else if (manager.kind === 'native' && manager.type === 'case') {
    const data = manager.data as { task: Value; value: Value; node: Syntax };
    const caseCtx: CaseCtx = { task: data.task, value: data.value, node: data.node, tasks: new Set(), flow: undefined };
    interp.ctx = { ...saved, caseCtx };
    entered = NONE;
    onExit = () => exitCase(interp, caseCtx);
  } else if (manager.kind === 'opaque' && !manager.prefectish && !manager.poison) {
    // e.g. `with open(...) as f`: cannot touch Prefect; what it yields is unknown.
    entered = plainOpaque(`what ${manager.what} yields`);
  } else {
    if (manager.kind === 'opaque') refuseUnknown(manager, item.expr, 'a context manager');
    return refuse(item.expr, 'a context manager the loader does not model');
  }
  let completion: Completion;
  try {
    if (item.target) assignTarget(interp, item.target, entered, scope);
    completion = enter(interp, list, index + 1, body, scope, runBlock);
  } finally {
    interp.ctx = saved;
  }
  onExit?.();
  return completion;
}

/** Runs a with-body; inside a flow block, one statement's refusal does not stop the next. */
function runBody(interp: Interp, body: Syntax, scope: Scope, runBlock: BlockRunner): Completion {
  const flow = interp.ctx.flow;
  if (!flow) return runBlock(interp, body, scope);
  for (const stmt of namedChildren(body)) {
    try {
      const block: Syntax = { ...stmt, children: [stmt], type: 'block', fields: undefined };
      const c = runBlock(interp, block, scope);
      if (c) return c;
    } catch (e) {
      if (!(e instanceof Refusal) || e instanceof FileRefusal) throw e;
      flow.poison ??= e;
      interp.refusals.push(e);
      poisonStatement(interp, stmt, e, scope);
    }
  }
  return undefined;
}

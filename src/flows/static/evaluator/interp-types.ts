/**
 * The evaluator's surface, as the Prefect model and the builtins see it. One `Interp` runs one
 * flow file (and the repository modules it imports).
 */
import type { Refusal } from '../refusal.js';
import type { TaskObj } from '../prefect-model/task.js';
import type { ModuleV } from '../values.js';
import type { Syntax } from '../syntax.js';
import type { Value } from '../values.js';
import type { FlowObj } from '../prefect-model/flow.js';
import type { Scope } from './scope.js';

/** Evaluated call arguments, keyword order kept (it decides bind order and slugs). */
export interface CallArgs {
  positional: Value[];
  keywords: [string, Value][];
}

/** A `with case(task, value)` block in progress. */
export interface CaseCtx {
  readonly task: Value;
  readonly value: Value;
  readonly node: Syntax;
  readonly tasks: Set<TaskObj>;
  flow: FlowObj | undefined;
}

/** What `prefect.context` holds while flows are built. */
export interface PrefectContext {
  flow: FlowObj | undefined;
  tags: ReadonlySet<string>;
  caseCtx: CaseCtx | undefined;
}

/** Resolves and runs imports (shared by every file of one load, like `sys.modules`). */
export interface ModuleHost {
  /** The module for an absolute dotted name; raises or refuses as Python's import would. */
  importModule(interp: Interp, dotted: string, node: Syntax): ModuleV;
  /** A repository submodule if it exists (for `from pkg import name`), else undefined. */
  tryImport(interp: Interp, dotted: string, node: Syntax): ModuleV | undefined;
}

export interface Interp {
  /** Imports. */
  host: ModuleHost;
  /** The Prefect context stack top. */
  ctx: PrefectContext;
  /** Set when a refused statement may have changed `prefect.context`: every task creation refuses. */
  contextPoison: Refusal | undefined;
  /** Every refusal caught so far in this file (they make later Python errors uncertain). */
  readonly refusals: Refusal[];
  /** Counts evaluation steps; refuses runaway computation. */
  step(node: Syntax): void;
  evalExpr(node: Syntax, scope: Scope): Value;
  call(fn: Value, args: CallArgs, node: Syntax): Value;
  getAttr(obj: Value, name: string, node: Syntax): Value;
  /** The items of an iterable whose length and content are certain. */
  iterate(v: Value, node: Syntax): Value[];
  truthy(v: Value, node: Syntax): boolean;
  /** Python `str(v)`; refuses when not certain. */
  str(v: Value, node: Syntax): string;
  /** Python `repr(v)`; refuses when not certain. */
  repr(v: Value, node: Syntax): string;
  /** Next creation number for tasks (identity order, for messages only). */
  nextId(): number;
}

/**
 * Prefect 1.4.1's Flow graph: tasks in add order with their slugs, the edge set, constants
 * optimized away, reference tasks. `add_task` / `add_edge` / `set_dependencies` follow
 * `prefect/core/flow.py` step by step, because their order decides the slugs.
 */
import { compareCodePoints } from '../../../prefect/pyjson.js';
import { checkPoison } from '../convert.js';
import { raisePy, refuse, type Refusal } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import { NONE, type Value } from '../values.js';
import type { Interp } from '../evaluator/interp-types.js';
import { asTask, constantName } from './as-task.js';
import type { TaskObj } from './task.js';

export interface EdgeObj {
  up: TaskObj;
  down: TaskObj;
  key: string | null;
  mapped: boolean;
  flattened: boolean;
}

const PY_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda',
  'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

export class FlowObj {
  readonly tasks: TaskObj[] = [];
  readonly slugs = new Map<TaskObj, string>();
  readonly edges: EdgeObj[] = [];
  referenceTasks: TaskObj[] = [];
  schedule: Value = NONE;
  runConfig: Value = NONE;
  storage: Value = NONE;
  /** Set when a refused statement may have changed this flow. */
  poison: Refusal | undefined;
  private readonly taskSet = new Set<TaskObj>();
  private readonly usedSlugs = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly edgeKeys = new Set<string>();

  constructor(public name: string, readonly node: Syntax) {}

  has(task: TaskObj): boolean {
    return this.taskSet.has(task);
  }

  upstreamOf(task: TaskObj): Set<TaskObj> {
    const out = new Set<TaskObj>();
    for (const e of this.edges) if (e.down === task) out.add(e.up);
    return out;
  }

  /** `flow.add_task(task)`. */
  addTask(interp: Interp, task: TaskObj, node: Syntax): TaskObj {
    if (this.poison) throw this.poison;
    if (task.poison) throw task.poison;
    if (this.taskSet.has(task)) return task;
    if (task.slug && this.usedSlugs.has(task.slug)) {
      raisePy(node, 'ValueError', `A task with the slug "${task.slug}" already exists in this flow.`);
    }
    if (task.name === undefined) task.name = constantName(task, node);
    const slug = task.slug || this.generateSlug(task.name, task.tags, node);
    this.slugs.set(task, slug);
    this.usedSlugs.add(slug);
    this.taskSet.add(task);
    this.tasks.push(task);
    // Parameters and constants must be root tasks; everything else joins the open case block.
    if (!task.isParameter && !task.isConstant) {
      const caseCtx = interp.ctx.caseCtx;
      if (caseCtx) {
        if (caseCtx.flow === undefined) caseCtx.flow = this;
        else if (caseCtx.flow !== this) raisePy(node, 'ValueError', 'Multiple flows cannot be used with the same case statement');
        caseCtx.tasks.add(task);
      }
    }
    return task;
  }

  /** `name-sorted-tags-N`, numbered per prefix in add order (reference §2.1). */
  private generateSlug(name: string, tags: ReadonlySet<string>, node: Syntax): string {
    const prefix = [name, ...[...tags].sort(compareCodePoints)].join('-');
    const n = this.counters.get(prefix) ?? 1;
    const slug = `${prefix}-${n}`;
    // How Prefect skips a number an explicit slug already took is not pinned down: refuse.
    if (this.usedSlugs.has(slug)) refuse(node, `a generated slug "${slug}" that collides with an explicit slug`);
    this.counters.set(prefix, n + 1);
    return slug;
  }

  /** `flow.add_edge(...)`; returns nothing (the Edge object is never used by flow files we read). */
  addEdge(interp: Interp, upstream: Value, downstream: Value, key: string | null, mapped: boolean, flattened: boolean, node: Syntax): void {
    if (this.poison) throw this.poison;
    checkPoison(upstream);
    checkPoison(downstream);
    if (downstream.kind === 'task' && downstream.t.isParameter) {
      raisePy(node, 'ValueError', 'Parameters must be root tasks and can not have upstream dependencies.');
    }
    if (upstream === downstream || (upstream.kind === 'task' && downstream.kind === 'task' && upstream.t === downstream.t)) {
      raisePy(node, 'ValueError', 'Edges can not connect a task to itself.');
    }
    if (key !== null && (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || PY_KEYWORDS.has(key))) {
      // Non-ASCII identifiers are valid Python, but refuse rather than reimplement str.isidentifier.
      raisePy(node, 'ValueError', `Key must be a valid identifier (received "${key}")`);
    }
    const annotations = new Map<string, boolean>();
    for (const side of [upstream, downstream]) {
      if (side.kind === 'native' && side.type === 'annotation') {
        for (const [k, v] of (side.data as EdgeAnnotation).annotations) annotations.set(k, v);
      }
    }
    const up = asTask(interp, upstream, this, node);
    const down = asTask(interp, downstream, this, node);
    const isMapped = annotations.get('mapped') ?? mapped;
    const isFlattened = annotations.get('flattened') ?? flattened;
    if (up.isConstant && key && !isMapped && !isFlattened) {
      // A keyed, unmapped constant goes to flow.constants: no task, no edge, never serialized.
      this.addTask(interp, down, node);
      return;
    }
    const id = `${up.id}\u0000${down.id}\u0000${key ?? '\u0001'}\u0000${isMapped}\u0000${isFlattened}`;
    if (!this.edgeKeys.has(id)) {
      this.edgeKeys.add(id);
      this.edges.push({ up, down, key, mapped: isMapped, flattened: isFlattened });
    }
    this.addTask(interp, up, node);
    this.addTask(interp, down, node);
  }

  /** `flow.set_dependencies(task, upstream_tasks, downstream_tasks, keyword_tasks, mapped)`. */
  setDependencies(
    interp: Interp,
    task: Value,
    upstream: readonly Value[],
    downstream: readonly Value[],
    keyword: readonly [string, Value][],
    mapped: boolean,
    node: Syntax,
  ): void {
    const t = asTask(interp, task, this, node);
    this.addTask(interp, t, node);
    const tv: Value = { kind: 'task', t };
    for (const u of upstream) this.addEdge(interp, u, tv, null, mapped, false, node);
    for (const d of downstream) this.addEdge(interp, tv, d, null, false, false, node);
    for (const [key, v] of keyword) this.addEdge(interp, v, tv, key, mapped, false, node);
  }
}

/** `unmapped(x)`, `mapped(x)`, `flatten(x)`: nested annotations merge, the inner one wins. */
export interface EdgeAnnotation {
  annotations: Map<string, boolean>;
  value: Value;
}

/**
 * The values the evaluator computes. Python objects the loader models exactly have their own
 * kinds; everything else is `opaque`, which records why it is unknown and whether it could be
 * (or produce) a Prefect object. Unknown values are fine until something that reaches the
 * serialized flow depends on them; then the use is refused.
 */
import type { Refusal } from './refusal.js';
import type { Syntax } from './syntax.js';
import type { FlowObj } from './prefect-model/flow.js';
import type { TaskObj } from './prefect-model/task.js';
import type { Scope } from './evaluator/scope.js';
import type { CallArgs, Interp } from './evaluator/interp-types.js';

export type Value =
  | NoneV | BoolV | IntV | FloatV | StrV
  | ListV | TupleV | DictV | SetV
  | FuncV | ClassV | BuiltinV | ModuleV
  | TaskV | FlowV | NativeV | OpaqueV;

export interface NoneV { readonly kind: 'none' }
export interface BoolV { readonly kind: 'bool'; readonly v: boolean }
export interface IntV { readonly kind: 'int'; readonly v: bigint }
export interface FloatV { readonly kind: 'float'; readonly v: number }
export interface StrV { readonly kind: 'str'; readonly v: string }

/** Mutable containers carry `poison` once a refused statement may have changed them. */
export interface ListV { readonly kind: 'list'; items: Value[]; poison?: Refusal }
export interface TupleV { readonly kind: 'tuple'; readonly items: readonly Value[] }
export interface DictV { readonly kind: 'dict'; map: Map<string, { k: Value; v: Value }>; poison?: Refusal }
export interface SetV { readonly kind: 'set'; map: Map<string, Value>; poison?: Refusal }

/** A parameter of a user function (`def` or `lambda`). */
export interface ParamSpec {
  name: string;
  kind: 'posonly' | 'pos' | 'varargs' | 'kwonly' | 'varkw';
  default?: Value;
  annotation?: Syntax;
}

/** A user-defined function. */
export interface FuncV {
  readonly kind: 'func';
  readonly name: string;
  readonly qualname: string;
  /** Dotted module name (`<flow>` for the flow script). */
  readonly module: string;
  readonly params: ParamSpec[];
  readonly returns: Syntax | undefined;
  /** A `block` for `def`, an expression for `lambda`. */
  readonly body: Syntax;
  readonly isLambda: boolean;
  readonly closure: Scope;
  readonly node: Syntax;
  /** Names assigned in the body (Python's local variables). */
  readonly locals: ReadonlySet<string>;
  readonly globalsDeclared: ReadonlySet<string>;
  /** Set when `@defaults_from_attrs` wrapped it (the signature stays the wrapped one). */
  wrappedDefaults?: boolean;
}

/** A class defined in a file. `taskBase` is set for Task subclasses. */
export interface ClassV {
  readonly kind: 'class';
  readonly name: string;
  readonly qualname: string;
  readonly module: string;
  readonly bases: ClassV[];
  readonly members: Map<string, Value>;
  /** The Prefect class this one derives from, if any (`Task` only is supported). */
  readonly prefectBase: 'Task' | undefined;
  readonly node: Syntax | undefined;
  /** Set when the class overrides Task behaviour the loader models itself (refused on use). */
  unsupported?: string;
}

/** A native function or method the loader implements. */
export interface BuiltinV {
  readonly kind: 'builtin';
  readonly name: string;
  readonly call: (interp: Interp, args: CallArgs, node: Syntax) => Value;
  /** Attributes of the callable (e.g. `task.map` is not here; classes like `Flow` may have some). */
  readonly attrs?: ReadonlyMap<string, Value>;
  /** True when calling it may create or change Prefect objects (checked for poison/opaque args). */
  readonly prefect?: boolean;
  /** For builtin types (`int`, `str`, ...): the class name, so `str(int)` is `<class 'int'>`. */
  readonly pyType?: string;
}

/** A module: modelled (`prefect`, `datetime`, ...), evaluated from the repository, or unknown. */
export interface ModuleV {
  readonly kind: 'module';
  readonly name: string;
  readonly attrs: Map<string, Value>;
  /** How missing attributes behave: `repo`/`modelled` raise or refuse, `external` gives opaque. */
  readonly origin: 'repo' | 'modelled' | 'external';
  /** For external modules: whether their contents could be Prefect objects. */
  readonly prefectish: boolean;
}

export interface TaskV { readonly kind: 'task'; readonly t: TaskObj }
export interface FlowV { readonly kind: 'flow'; readonly f: FlowObj }

/** Modelled Python objects that are neither plain data nor tasks (timedelta, run configs, ...). */
export interface NativeV {
  readonly kind: 'native';
  readonly type: string;
  readonly data: unknown;
}

/** A value the loader does not know. */
export interface OpaqueV {
  readonly kind: 'opaque';
  /** Could be a Task, or change Prefect state when used (unknown imports, unmodelled prefect). */
  readonly prefectish: boolean;
  /** Could be a Flow instance (only matters when it ends up in the module namespace). */
  readonly mayBeFlow: boolean;
  /** What it is, for messages: "the result of os.getenv(...)". */
  readonly what: string;
  /** Set when a refused statement produced it: every use repeats that refusal. */
  readonly poison?: Refusal;
  /** Where it came from (an import, a call), for messages. */
  readonly origin?: Syntax;
}

export const NONE: NoneV = { kind: 'none' };
export const TRUE: BoolV = { kind: 'bool', v: true };
export const FALSE: BoolV = { kind: 'bool', v: false };

export const pyBool = (b: boolean): BoolV => (b ? TRUE : FALSE);
export const pyInt = (n: number | bigint): IntV => ({ kind: 'int', v: BigInt(n) });
export const pyFloatV = (n: number): FloatV => ({ kind: 'float', v: n });
export const pyStr = (s: string): StrV => ({ kind: 'str', v: s });
export const pyList = (items: Value[]): ListV => ({ kind: 'list', items });
export const pyTuple = (items: readonly Value[]): TupleV => ({ kind: 'tuple', items });
export const native = (type: string, data: unknown): NativeV => ({ kind: 'native', type, data });

/** An unknown value that cannot be a Prefect object (stdlib results, runtime data). */
export function plainOpaque(what: string): OpaqueV {
  return { kind: 'opaque', prefectish: false, mayBeFlow: false, what };
}

/** An unknown value that could be anything, Prefect objects included. */
export function prefectOpaque(what: string, mayBeFlow = true, origin?: Syntax): OpaqueV {
  return { kind: 'opaque', prefectish: true, mayBeFlow, what, ...(origin === undefined ? {} : { origin }) };
}

/** A value standing for whatever a refused statement would have produced. */
export function poisoned(refusal: Refusal): OpaqueV {
  return { kind: 'opaque', prefectish: true, mayBeFlow: true, what: 'a value the loader could not compute', poison: refusal };
}

/** Python's `type(x).__name__` for the kinds that have a certain one. */
export function typeName(v: Value): string | undefined {
  switch (v.kind) {
    case 'none': return 'NoneType';
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'float': return 'float';
    case 'str': return 'str';
    case 'list': return 'list';
    case 'tuple': return 'tuple';
    case 'dict': return 'dict';
    case 'set': return 'set';
    case 'func': return 'function';
    case 'class': return 'type';
    case 'module': return 'module';
    case 'native': return nativeTypeName(v);
    default: return undefined;
  }
}

function nativeTypeName(v: NativeV): string | undefined {
  if (v.type === 'timedelta') return 'timedelta';
  if (v.type === 'datetime') return 'DateTime';
  return undefined;
}

/** True for values whose content is fully known plain data (no tasks, no unknowns). */
export function isPlainData(v: Value): boolean {
  switch (v.kind) {
    case 'none': case 'bool': case 'int': case 'float': case 'str': return true;
    case 'list': case 'tuple': return v.items.every(isPlainData);
    case 'dict': return [...v.map.values()].every((e) => isPlainData(e.k) && isPlainData(e.v));
    case 'set': return [...v.map.values()].every(isPlainData);
    default: return false;
  }
}

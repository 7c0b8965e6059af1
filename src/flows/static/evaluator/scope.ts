/**
 * Python name resolution: module globals (insertion-ordered, as the namespace `prefect register`
 * walks), function locals decided statically, closures, class bodies and comprehensions.
 */
import type { Value } from '../values.js';

export type ScopeKind = 'module' | 'function' | 'class' | 'comprehension';

/** The module a piece of code belongs to. */
export interface ModuleInfo {
  /** `__name__`: `<flow>` for the script, the dotted import name for imported modules. */
  name: string;
  /** Repository-relative path of the file. */
  path: string;
  /** The package for relative imports; undefined for the script (Python: no parent package). */
  packageName: string | undefined;
  /** True when the module uses `from __future__ import annotations`. */
  futureAnnotations: boolean;
}

export class Scope {
  readonly vars = new Map<string, Value>();
  readonly globalsDeclared = new Set<string>();
  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | undefined,
    readonly module: ModuleInfo,
    /** Names Python treats as local to this function (assigned anywhere in its body). */
    readonly localNames: ReadonlySet<string> | undefined = undefined,
  ) {}

  /** The module scope. */
  get globals(): Scope {
    return this.parent ? this.parent.globals : this;
  }

  /**
   * Looks a name up. `unbound` means Python raises UnboundLocalError (a local read before
   * assignment); `missing` means NameError (after builtins, which the caller checks).
   */
  lookup(name: string): { value: Value } | 'unbound' | 'missing' {
    if (this.kind === 'function' && this.globalsDeclared.has(name)) return this.globals.lookupOwn(name);
    const own = this.vars.get(name);
    if (own !== undefined) return { value: own };
    if (this.kind === 'function' && this.localNames?.has(name)) return 'unbound';
    // Class bodies are not visible from the code nested in them.
    for (let s = this.parent; s; s = s.parent) {
      if (s.kind === 'class') continue;
      const v = s.vars.get(name);
      if (v !== undefined) return { value: v };
    }
    return 'missing';
  }

  private lookupOwn(name: string): { value: Value } | 'missing' {
    const v = this.vars.get(name);
    return v === undefined ? 'missing' : { value: v };
  }

  /** Binds a name where Python would (honouring `global`). */
  assign(name: string, value: Value): void {
    if (this.kind === 'function' && this.globalsDeclared.has(name)) this.globals.vars.set(name, value);
    else this.vars.set(name, value);
  }

  /** Removes a binding (`del name`); false if it was not bound here. */
  remove(name: string): boolean {
    if (this.kind === 'function' && this.globalsDeclared.has(name)) return this.globals.vars.delete(name);
    return this.vars.delete(name);
  }
}

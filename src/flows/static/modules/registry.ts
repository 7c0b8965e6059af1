/**
 * `sys.modules` for one load: each module runs once and is shared by every flow file, as in
 * `prefect register`. A name that resolves to another file for a later script (a different
 * folder) is refused: prefect register would silently reuse the first one.
 */
import { FileRefusal, PyError, raisePy, refuse } from '../refusal.js';
import type { Syntax } from '../syntax.js';
import type { ModuleV } from '../values.js';
import type { Interp, ModuleHost } from '../evaluator/interp-types.js';
import { runModule } from '../evaluator/interpreter.js';
import { Scope } from '../evaluator/scope.js';
import { prefectModule } from '../prefect-model/namespace.js';
import { externalModule, modelledModule } from '../stdlib/modules.js';
import { basesFor, type SourceCache } from './sources.js';
import { isNonRepoName } from './names.js';

interface Resolved {
  /** Repository file, or undefined for a namespace package (a folder without __init__.py). */
  path: string | undefined;
  isPackage: boolean;
}

interface Loaded {
  module: ModuleV;
  path: string | undefined;
  loading: boolean;
}

export class ModuleRegistry implements ModuleHost {
  /** The folder of the flow file being evaluated (its sys.path entry). */
  scriptDir = '';
  private readonly loaded = new Map<string, Loaded>();

  constructor(private readonly sources: SourceCache) {}

  importModule(interp: Interp, dotted: string, node: Syntax): ModuleV {
    const repo = this.tryImport(interp, dotted, node);
    if (repo) return repo;
    const cached = this.loaded.get(dotted);
    if (cached) return cached.module;
    const top = dotted.split('.')[0] ?? dotted;
    const module = top === 'prefect' ? prefectModule(dotted) : (modelledModule(dotted) ?? externalModule(dotted));
    this.loaded.set(dotted, { module, path: undefined, loading: false });
    return module;
  }

  tryImport(interp: Interp, dotted: string, node: Syntax): ModuleV | undefined {
    const resolved = this.resolve(dotted, node);
    const cached = this.loaded.get(dotted);
    if (cached) {
      const wanted = resolved === undefined ? undefined : (resolved.path ?? `${dotted}/`);
      const had = cached.module.origin === 'repo' ? (cached.path ?? `${dotted}/`) : undefined;
      if (wanted !== had) {
        refuse(node, `the module ${dotted}: prefect register would reuse ${had ?? 'the installed module'} imported for an earlier file, but this file's folder has ${wanted ?? 'none'}`);
      }
      if (cached.loading) refuse(node, `a circular import of ${dotted}`);
      return cached.module.origin === 'repo' ? cached.module : undefined;
    }
    if (!resolved) return undefined;
    const module: ModuleV = { kind: 'module', name: dotted, attrs: new Map(), origin: 'repo', prefectish: false };
    const entry: Loaded = { module, path: resolved.path, loading: true };
    this.loaded.set(dotted, entry);
    if (resolved.path === undefined) {
      entry.loading = false;
      return module;
    }
    const parsed = this.sources.parsed.get(resolved.path);
    if (!parsed) return undefined;
    if (!parsed.ok) {
      this.loaded.delete(dotted);
      raisePy(node, 'SyntaxError', `cannot import ${dotted}: ${parsed.error.message}`);
    }
    const parent = dotted.includes('.') ? dotted.slice(0, dotted.lastIndexOf('.')) : '';
    const scope = new Scope('module', undefined, {
      name: dotted, path: resolved.path, packageName: resolved.isPackage ? dotted : parent, futureAnnotations: false,
    });
    // The module's namespace is its attribute dict (live, as in Python).
    const live: ModuleV = { ...module, attrs: scope.vars };
    entry.module = live;
    try {
      runModule(interp, parsed.module, scope);
    } catch (e) {
      // A failed or refused import leaves no module behind: a later file importing it again
      // meets the same error instead of a half-run module.
      if (e instanceof PyError || e instanceof FileRefusal) this.loaded.delete(dotted);
      throw e;
    } finally {
      entry.loading = false;
    }
    return live;
  }

  /** Where Python would find `dotted` among the repository's sys.path entries. */
  private resolve(dotted: string, node: Syntax): Resolved | undefined {
    if (!this.sources.enabled) return undefined;
    const parts = dotted.split('.');
    const top = parts[0] ?? '';
    const bases = isNonRepoName(top) ? [this.scriptDir] : basesFor(this.scriptDir);
    for (const base of bases) {
      const pre = base ? `${base}/` : '';
      const full = pre + parts.join('/');
      const topPath = pre + top;
      if (this.sources.has(`${topPath}/__init__.py`)) return this.within(full, dotted, node);
      if (this.sources.has(`${topPath}.py`)) {
        if (parts.length === 1) return { path: `${topPath}.py`, isPackage: false };
        return raisePy(node, 'ModuleNotFoundError', `No module named '${dotted}'; '${top}' is not a package`);
      }
      if (this.sources.hasDir(topPath)) {
        const inner = this.within(full, dotted, node, true);
        if (inner) return inner;
      }
    }
    return undefined;
  }

  private within(full: string, dotted: string, node: Syntax, namespace = false): Resolved | undefined {
    if (this.sources.has(`${full}/__init__.py`)) return { path: `${full}/__init__.py`, isPackage: true };
    if (this.sources.has(`${full}.py`)) return { path: `${full}.py`, isPackage: false };
    if (this.sources.hasDir(full)) return { path: undefined, isPackage: true };
    if (namespace) return undefined;
    return raisePy(node, 'ModuleNotFoundError', `No module named '${dotted}'`);
  }
}

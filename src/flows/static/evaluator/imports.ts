/**
 * Import statements. The flow script runs as `runpy.run_path(..., run_name="<flow>")`, so it has
 * no parent package: relative imports raise ImportError there, as in Python.
 */
import { FileRefusal, raisePy, refuse } from '../refusal.js';
import { field, fieldAll, namedChildren, textOf, type Syntax } from '../syntax.js';
import { prefectOpaque, plainOpaque, type ModuleV, type Value } from '../values.js';
import type { Interp } from './interp-types.js';
import { prefectSubmodules } from '../prefect-model/namespace.js';
import type { Scope } from './scope.js';

function dottedOf(node: Syntax): string {
  return namedChildren(node).map(textOf).join('.');
}

/** Imports `a.b.c` step by step (each parent first) and returns the modules in order. */
function importChain(interp: Interp, dotted: string, node: Syntax): ModuleV[] {
  const parts = dotted.split('.');
  const out: ModuleV[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const name = parts.slice(0, i).join('.');
    const m = interp.host.importModule(interp, name, node);
    const parent = out[out.length - 1];
    if (parent) parent.attrs.set(parts[i - 1] as string, m);
    out.push(m);
  }
  return out;
}

export function execImport(interp: Interp, node: Syntax, scope: Scope): void {
  if (node.type === 'future_import_statement') {
    for (const n of fieldAll(node, 'name')) {
      const name = textOf(n.type === 'aliased_import' ? (field(n, 'name') as Syntax) : n);
      if (name === 'annotations') scope.module.futureAnnotations = true;
    }
    return;
  }
  if (node.type === 'import_statement') {
    for (const n of fieldAll(node, 'name')) {
      if (n.type === 'aliased_import') {
        const chain = importChain(interp, dottedOf(field(n, 'name') as Syntax), n);
        scope.assign(textOf(field(n, 'alias') as Syntax), chain[chain.length - 1] as ModuleV);
      } else {
        const chain = importChain(interp, dottedOf(n), n);
        scope.assign(textOf(namedChildren(n)[0] as Syntax), chain[0] as ModuleV);
      }
    }
    return;
  }
  // from X import a, b as c
  const moduleNode = field(node, 'module_name') as Syntax;
  let dotted: string;
  if (moduleNode.type === 'relative_import') {
    const prefix = namedChildren(moduleNode).find((c) => c.type === 'import_prefix');
    const level = prefix ? textOf(prefix).length : 0;
    const rest = namedChildren(moduleNode).find((c) => c.type === 'dotted_name');
    const pkg = scope.module.packageName;
    if (pkg === undefined) raisePy(node, 'ImportError', 'attempted relative import with no known parent package');
    const base = pkg.split('.').filter((p) => p !== '');
    if (level - 1 > base.length) raisePy(node, 'ImportError', 'attempted relative import beyond top-level package');
    const anchor = base.slice(0, base.length - (level - 1));
    dotted = [...anchor, ...(rest ? [dottedOf(rest)] : [])].join('.');
    if (dotted === '') raisePy(node, 'ImportError', 'attempted relative import beyond top-level package');
  } else dotted = dottedOf(moduleNode);
  const module = importChain(interp, dotted, node).pop() as ModuleV;
  if (namedChildren(node).some((c) => c.type === 'wildcard_import')) {
    starImport(module, node, scope);
    return;
  }
  for (const n of fieldAll(node, 'name')) {
    const nameNode = n.type === 'aliased_import' ? (field(n, 'name') as Syntax) : n;
    const name = dottedOf(nameNode);
    const bindAs = n.type === 'aliased_import' ? textOf(field(n, 'alias') as Syntax) : name;
    scope.assign(bindAs, importedName(interp, module, name, n));
  }
}

/**
 * `from module import *`. Exact for repository modules (their public names, or `__all__`).
 * From anything else it could rebind any name, builtins and flows included, so the whole file
 * is refused.
 */
function starImport(module: ModuleV, node: Syntax, scope: Scope): void {
  if (module.origin !== 'repo') throw new FileRefusal(node, `\`from ${module.name} import *\` (it may rebind any name of the file)`);
  const all = module.attrs.get('__all__');
  let names: string[];
  if (all === undefined) names = [...module.attrs.keys()].filter((n) => !n.startsWith('_'));
  else if ((all.kind === 'list' || all.kind === 'tuple') && all.items.every((i) => i.kind === 'str')) names = all.items.map((i) => (i as { v: string }).v);
  else return refuse(node, `\`from ${module.name} import *\` with an __all__ the loader cannot read`);
  for (const name of names) {
    const v = module.attrs.get(name);
    if (v === undefined) raisePy(node, 'AttributeError', `module '${module.name}' has no attribute '${name}'`);
    scope.assign(name, v);
  }
}

/** `from module import name`: an attribute, else a submodule, else ImportError. */
function importedName(interp: Interp, module: ModuleV, name: string, node: Syntax): Value {
  const attr = module.attrs.get(name);
  if (attr !== undefined) return attr;
  if (module.origin === 'repo') {
    const sub = interp.host.tryImport(interp, `${module.name}.${name}`, node);
    if (!sub) return raisePy(node, 'ImportError', `cannot import name '${name}' from '${module.name}'`);
    module.attrs.set(name, sub);
    return sub;
  }
  if (module.origin === 'modelled') {
    if (!module.prefectish) return plainOpaque(`${module.name}.${name}`);
    if (prefectSubmodules(module.name).includes(name)) {
      const sub = interp.host.importModule(interp, `${module.name}.${name}`, node);
      module.attrs.set(name, sub);
      return sub;
    }
    // Not modelled: a Prefect name (task class, function); only flow-named ones can give a Flow.
    return prefectOpaque(`${module.name}.${name}`, /flow/i.test(name), node);
  }
  return module.prefectish ? prefectOpaque(`${module.name}.${name} (from a module the loader cannot read)`, true, node) : plainOpaque(`${module.name}.${name}`);
}

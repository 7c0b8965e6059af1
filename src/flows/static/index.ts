/**
 * The static loader: reads Prefect 1.x flow files with tree-sitter and evaluates the subset of
 * Python whose result is certain, producing exactly what `prefect register` would serialize —
 * or a refusal that names the file, line, column and construct.
 */
import { isPrefectGitError } from '../../errors.js';
import type { GitStorage } from '../../storage/types.js';
import type { FlowFile, FlowLoadError, LoadedFlow, LoadResult } from '../types.js';
import { Interpreter, runModule } from './evaluator/interpreter.js';
import { Scope } from './evaluator/scope.js';
import { ModuleRegistry } from './modules/registry.js';
import { SourceCache } from './modules/sources.js';
import { MIN_FILES_FOR_WORKER, parseAhead, ParseWorker, type ParseQueue } from './parse-ahead.js';
import type { ParseResult } from './parser.js';
import type { FlowObj } from './prefect-model/flow.js';
import { fileError, PyError, Refusal, siteOf, toFlowLoadError, PYTHON_LOADER_HINT } from './refusal.js';
import { serializeFlow } from './serialize-flow.js';
import { decodeSource } from './source.js';
import { positionOf, type Syntax } from './syntax.js';
import type { OpaqueV } from './values.js';

export interface StaticLoadOptions {
  /** The .py files to read flows from (content = bytes). */
  files: FlowFile[];
  /** The Git storage for each flow (its `flows` map already filled). */
  storageFor: (flow: { name: string; flowPath: string }) => GitStorage;
  /** `--label` values merged into every run_config's labels. */
  labels?: string[];
  /** Written as every `__version__`; default `1.4.1`. */
  prefectVersion?: string;
  /** Reads a repository file (repo-relative POSIX path) for imports of local modules. */
  readRepoFile?: (path: string) => Promise<Buffer | undefined>;
  /**
   * A parse worker the caller started early (its start-up then overlaps reading the files); the
   * caller closes it. Without one, a worker is started here for MIN_FILES_FOR_WORKER files or more.
   */
  parseWorker?: ParseWorker | undefined;
}

/**
 * Loads every flow of the given files without running Python.
 * @returns the flows in the order `prefect register` finds them, and one error per file or
 *   flow that could not be read exactly. Never throws for bad input.
 */
export async function loadFlowsStatic(options: StaticLoadOptions): Promise<LoadResult> {
  const result: LoadResult = { flows: [], errors: [] };
  const sources = new SourceCache(options.readRepoFile);
  const registry = new ModuleRegistry(sources);
  const version = options.prefectVersion ?? '1.4.1';
  const decoded = options.files.map((file) => decodeSource(file.path, file.content));
  const queue: ParseQueue = decoded.map((d, i) => (d.ok ? { path: (options.files[i] as FlowFile).path, text: d.text } : undefined));
  const ownWorker = options.parseWorker === undefined && queue.filter(Boolean).length >= MIN_FILES_FOR_WORKER ? ParseWorker.start() : undefined;
  const parse = parseAhead(queue, options.parseWorker ?? ownWorker);
  try {
    for (const [index, file] of options.files.entries()) {
      try {
        const source = decoded[index] as (typeof decoded)[number];
        if (!source.ok) result.errors.push(source.error);
        else await loadFile(file, await parse(index), options, sources, registry, version, result);
      } catch (e) {
        // Only a bug gets here; report it instead of throwing (the other files go on).
        const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        result.errors.push(fileError('E_UNSUPPORTED', file.path, 0, 0, `the static loader failed on this file (${message})`, PYTHON_LOADER_HINT));
      }
    }
  } finally {
    await ownWorker?.close();
  }
  return result;
}

async function loadFile(
  file: FlowFile,
  parsed: ParseResult,
  options: StaticLoadOptions,
  sources: SourceCache,
  registry: ModuleRegistry,
  version: string,
  result: LoadResult,
): Promise<void> {
  if (!parsed.ok) {
    result.errors.push(parsed.error);
    return;
  }
  const scriptDir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
  await sources.prefetch(parsed.module, scriptDir);
  registry.scriptDir = scriptDir;
  const interp = new Interpreter(registry);
  const scope = new Scope('module', undefined, { name: '<flow>', path: file.path, packageName: undefined, futureAnnotations: false });
  try {
    runModule(interp, parsed.module, scope);
  } catch (e) {
    if (e instanceof PyError) {
      // After a refusal, a later Python error may be an artefact of what the loader skipped.
      const first = interp.refusals[0];
      result.errors.push(first ? toFlowLoadError(first) : toFlowLoadError(e));
      return;
    }
    if (e instanceof Refusal) {
      result.errors.push(toFlowLoadError(e));
      return;
    }
    throw e;
  }
  collectFlows(scope, file, options, version, result);
}

/** Walks the namespace in insertion order, as prefect register does. */
function collectFlows(scope: Scope, file: FlowFile, options: StaticLoadOptions, version: string, result: LoadResult): void {
  const seen = new Map<FlowObj, string>();
  const reported = new Set<Refusal>();
  const unknownNames: [string, OpaqueV][] = [];
  for (const [name, value] of scope.vars) {
    if (name.startsWith('\u0000')) continue;
    if (value.kind === 'opaque' && value.mayBeFlow) unknownNames.push([name, value]);
    if (value.kind !== 'flow') continue;
    const flow = value.f;
    const earlier = seen.get(flow);
    if (earlier !== undefined) {
      result.errors.push(toFlowLoadError(new PyError(siteOf(flow.node), 'ValueError',
        `Name conflict: Flow with the name "${flow.name}" is already present in this storage (the flow is bound to both \`${earlier}\` and \`${name}\`)`), flow.name));
      continue;
    }
    seen.set(flow, name);
    if (flow.poison) reported.add(flow.poison);
    result.flows.push(...loadFlow(flow, file, options, version, result.errors));
  }
  // A name the loader cannot see into may itself be a Flow that prefect register would register.
  for (const [name, value] of unknownNames) {
    const refusal = value.poison ?? new Refusal(value.origin ?? { file: file.path, line: 0, column: 0, construct: name },
      `the module-level name \`${name}\` holds ${value.what}; if that is a Flow, prefect register registers it too`);
    if (reported.has(refusal)) continue;
    reported.add(refusal);
    result.errors.push(toFlowLoadError(refusal));
  }
}

function loadFlow(flow: FlowObj, file: FlowFile, options: StaticLoadOptions, version: string, errors: FlowLoadError[]): LoadedFlow[] {
  // A flow imported from another module is defined there; its line is not in this file.
  const line = flow.node.file.path === file.path ? lineOf(flow.node) : undefined;
  let storage: GitStorage;
  try {
    storage = options.storageFor({ name: flow.name, flowPath: file.path });
  } catch (e) {
    if (!isPrefectGitError(e)) throw e;
    errors.push({ code: e.code, file: file.path, line: line ?? 0, column: 0, message: e.message, hint: e.hint ?? '', flow: flow.name });
    return [];
  }
  try {
    const serialized = serializeFlow(flow, storage, options.labels ?? [], version);
    return [{ name: flow.name, flowPath: file.path, line, loader: 'static', serialized }];
  } catch (e) {
    if (e instanceof Refusal || e instanceof PyError) {
      errors.push(toFlowLoadError(e, flow.name));
      return [];
    }
    throw e;
  }
}

function lineOf(node: Syntax): number {
  return positionOf(node).line;
}

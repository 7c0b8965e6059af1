/**
 * Repository modules a flow file may import, fetched and parsed before evaluation (reading
 * files is asynchronous, evaluation is not). Candidates follow Python's path search: the flow
 * file's folder first (prefect register puts it on sys.path), then the repository root.
 */
import { parsePython, type ParseResult } from '../parser.js';
import { decodeSource } from '../source.js';
import { field, fieldAll, namedChildren, textOf, type Syntax } from '../syntax.js';
import { isNonRepoName } from './names.js';

/** Parsed repository files by repo-relative path (only files that exist). */
export class SourceCache {
  readonly parsed = new Map<string, ParseResult>();
  private readonly lookups = new Map<string, Promise<void>>();
  /** Paths whose lookup has finished (most candidates repeat across the files of a folder). */
  private readonly settled = new Set<string>();
  private readonly scanned = new Set<string>();

  constructor(private readonly readRepoFile: ((path: string) => Promise<Buffer | undefined>) | undefined) {}

  get enabled(): boolean {
    return this.readRepoFile !== undefined;
  }

  has(path: string): boolean {
    return this.parsed.has(path);
  }

  /** True when some fetched file lives under `dir/` (a namespace package). */
  hasDir(dir: string): boolean {
    const prefix = `${dir}/`;
    for (const p of this.parsed.keys()) if (p.startsWith(prefix)) return true;
    return false;
  }

  private fetch(path: string): Promise<void> {
    let p = this.lookups.get(path);
    if (!p) {
      p = (async () => {
        let bytes: Buffer | undefined;
        try {
          bytes = await this.readRepoFile?.(path);
        } catch {
          bytes = undefined;
        }
        if (bytes !== undefined) {
          const decoded = decodeSource(path, bytes);
          this.parsed.set(path, decoded.ok ? await parsePython(path, decoded.text) : { ok: false, error: decoded.error });
        }
        this.settled.add(path);
      })();
      this.lookups.set(path, p);
    }
    return p;
  }

  /** Fetches every module the script (and what it imports, transitively) may import. */
  async prefetch(script: Syntax, scriptDir: string, limit = 300): Promise<void> {
    if (!this.enabled) return;
    const queue: { module: Syntax; packageName: string | undefined }[] = [{ module: script, packageName: undefined }];
    let parsedCount = 0;
    while (queue.length > 0 && parsedCount < limit) {
      const { module, packageName } = queue.shift() as { module: Syntax; packageName: string | undefined };
      const candidates = new Set<string>();
      for (const spec of importSpecs(module, packageName)) {
        for (const c of candidatePaths(spec.dotted, spec.names, scriptDir)) candidates.add(c);
      }
      const pending = [...candidates].filter((c) => !this.settled.has(c));
      if (pending.length > 0) await Promise.all(pending.map((c) => this.fetch(c)));
      for (const c of candidates) {
        const parsed = this.parsed.get(c);
        if (!parsed?.ok || this.scanned.has(c)) continue;
        this.scanned.add(c);
        parsedCount++;
        queue.push({ module: parsed.module, packageName: packageOf(c, scriptDir) });
      }
    }
  }
}

/** The dotted package a repository file belongs to (for its relative imports). */
function packageOf(path: string, scriptDir: string): string | undefined {
  for (const base of basesFor(scriptDir)) {
    const pre = base ? `${base}/` : '';
    if (!path.startsWith(pre)) continue;
    const rel = path.slice(pre.length).replace(/\.py$/, '').split('/');
    if (rel[rel.length - 1] === '__init__') return rel.slice(0, -1).join('.');
    return rel.slice(0, -1).join('.');
  }
  return undefined;
}

/** sys.path entries from the repository: the script's folder, then the root. */
export function basesFor(scriptDir: string): string[] {
  return scriptDir === '' ? [''] : [scriptDir, ''];
}

/** Every file that could hold `dotted` (and `dotted.name` submodules). */
export function candidatePaths(dotted: string, names: string[], scriptDir: string): string[] {
  const parts = dotted.split('.');
  const out: string[] = [];
  const bases = isNonRepoName(parts[0] ?? '') ? [scriptDir] : basesFor(scriptDir);
  for (const base of bases) {
    const pre = base ? `${base}/` : '';
    for (let i = 1; i <= parts.length; i++) {
      const p = pre + parts.slice(0, i).join('/');
      out.push(`${p}.py`, `${p}/__init__.py`);
    }
    for (const n of names) {
      const p = `${pre}${parts.join('/')}/${n}`;
      out.push(`${p}.py`, `${p}/__init__.py`);
    }
  }
  return out;
}

interface ImportSpec {
  dotted: string;
  names: string[];
}

/** The modules a file imports anywhere (functions included), relative ones made absolute. */
function importSpecs(module: Syntax, packageName: string | undefined): ImportSpec[] {
  const out: ImportSpec[] = [];
  const dotted = (n: Syntax): string => namedChildren(n).map(textOf).join('.');
  const walk = (n: Syntax): void => {
    if (n.type === 'import_statement') {
      for (const name of fieldAll(n, 'name')) out.push({ dotted: dotted(name.type === 'aliased_import' ? (field(name, 'name') as Syntax) : name), names: [] });
      return;
    }
    if (n.type === 'import_from_statement') {
      const m = field(n, 'module_name');
      const names = fieldAll(n, 'name').map((x) => dotted(x.type === 'aliased_import' ? (field(x, 'name') as Syntax) : x));
      if (!m) return;
      if (m.type === 'relative_import') {
        if (packageName === undefined) return;
        const prefix = namedChildren(m).find((c) => c.type === 'import_prefix');
        const level = prefix ? textOf(prefix).length : 1;
        const rest = namedChildren(m).find((c) => c.type === 'dotted_name');
        const base = packageName.split('.').filter((p) => p !== '');
        const anchor = base.slice(0, Math.max(0, base.length - (level - 1)));
        const abs = [...anchor, ...(rest ? [dotted(rest)] : [])].join('.');
        if (abs) out.push({ dotted: abs, names });
      } else out.push({ dotted: dotted(m), names });
      return;
    }
    // Imports are statements: only nodes that hold statements need a look inside.
    for (const c of n.children) if (c.type === 'import_statement' || c.type === 'import_from_statement' || HOLDS_STATEMENTS.has(c.type)) walk(c);
  };
  walk(module);
  return out;
}

const HOLDS_STATEMENTS = new Set(['block', 'if_statement', 'elif_clause', 'else_clause', 'for_statement', 'while_statement', 'try_statement',
  'except_clause', 'except_group_clause', 'finally_clause', 'with_statement', 'function_definition', 'class_definition', 'decorated_definition',
  'match_statement', 'case_clause']);

/**
 * A faster stand-in for web-tree-sitter's TreeCursor, for the one walk that copies each tree.
 *
 * Every TreeCursor method copies the cursor into wasm's transfer buffer and back with generic
 * `setValue`/`getValue` calls, and that copying cost more than the walk itself. Each wasm cursor
 * function reads the cursor from the transfer buffer and writes it back there (binding.c), so
 * during one uninterrupted, synchronous walk the cursor can simply stay in the buffer and every
 * step is one direct call into wasm.
 *
 * This relies on web-tree-sitter internals (the emscripten module object that `Parser.init`
 * fills in, and a TreeCursor's `handles`), which is why the dependency is pinned to ~0.27. When
 * they are not found, the public TreeCursor is used as is: slower, same result.
 */
import type { Parser, TreeCursor } from 'web-tree-sitter';

/** What the converter needs of a cursor; web-tree-sitter's TreeCursor has exactly these. */
export interface CursorLike {
  readonly nodeTypeId: number;
  readonly currentFieldId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

/** The wasm exports used, as the emscripten module object holds them. */
export interface WasmApi {
  readonly HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
] as const;

/** Internals of web-tree-sitter objects this module touches. */
interface CursorInternals {
  handles: number[];
  tree: { 0: number };
}

/** The wasm API found on the object given to `Parser.init`, with its transfer buffer (a byte address). */
export function wasmApiOf(moduleObject: object): { api: WasmApi; buffer: number } | undefined {
  const m = moduleObject as Record<string, unknown>;
  if (!(m.HEAP32 instanceof Int32Array) || FUNCTIONS.some((name) => typeof m[name] !== 'function')) return undefined;
  const api = moduleObject as WasmApi;
  // ts_init only writes the two language-version numbers into the buffer and returns its address.
  const buffer = api._ts_init();
  return Number.isInteger(buffer) && buffer > 0 && buffer % 4 === 0 ? { api, buffer } : undefined;
}

function internalsOf(cursor: TreeCursor): CursorInternals | undefined {
  const c = cursor as unknown as Partial<CursorInternals>;
  const ok = Array.isArray(c.handles) && c.handles.length === 4 && c.handles.every(Number.isInteger) && typeof c.tree?.[0] === 'number';
  return ok ? (c as CursorInternals) : undefined;
}

class WasmCursor implements CursorLike {
  private readonly tree: number;
  private readonly slot: number;

  constructor(private readonly api: WasmApi, buffer: number, private readonly inner: TreeCursor, private readonly internals: CursorInternals) {
    this.tree = internals.tree[0];
    this.slot = buffer >> 2;
    // HEAP32 is replaced when wasm memory grows, so it is read afresh each time.
    const heap = api.HEAP32;
    for (let k = 0; k < 4; k++) heap[this.slot + k] = internals.handles[k] as number;
  }

  get nodeTypeId(): number {
    return this.api._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }

  get currentFieldId(): number {
    return this.api._ts_tree_cursor_current_field_id_wasm(this.tree);
  }

  get startIndex(): number {
    return this.api._ts_tree_cursor_start_index_wasm(this.tree);
  }

  get endIndex(): number {
    return this.api._ts_tree_cursor_end_index_wasm(this.tree);
  }

  gotoFirstChild(): boolean {
    return this.api._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }

  gotoNextSibling(): boolean {
    return this.api._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }

  gotoParent(): boolean {
    return this.api._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }

  delete(): void {
    // The walk may have reallocated the cursor's stack: hand the current handles back first, so
    // the public delete frees what is allocated now.
    const heap = this.api.HEAP32;
    for (let k = 0; k < 4; k++) this.internals.handles[k] = heap[this.slot + k] as number;
    this.inner.delete();
  }
}

/**
 * A cursor for one synchronous walk: nothing else may use web-tree-sitter until it is deleted.
 * Falls back to the cursor itself when the internals are not there.
 */
export function walkCursor(wasm: { api: WasmApi; buffer: number } | undefined, cursor: TreeCursor): CursorLike {
  const internals = wasm ? internalsOf(cursor) : undefined;
  return wasm && internals ? new WasmCursor(wasm.api, wasm.buffer, cursor, internals) : cursor;
}

/** Everything a walk sees: types, fields and offsets in preorder, with the moves between them. */
function trace(cursor: CursorLike): number[] {
  const out: number[] = [];
  try {
    for (let depth = 0; ;) {
      out.push(cursor.nodeTypeId, cursor.currentFieldId, cursor.startIndex, cursor.endIndex);
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (depth === 0 || !cursor.gotoParent()) return out;
        depth--;
        out.push(-1);
      }
    }
  } finally {
    cursor.delete();
  }
}

const SAMPLE = 'def f(a, *b, c=1) -> "x":\n    return [a async for a in b if not a] or {**c}\nx = f"{1!r:>{2}}\\t" + rb\'\\d\'\n';

/**
 * The wasm API if walking a sample with it gives exactly what the public TreeCursor gives, so a
 * web-tree-sitter whose internals changed falls back to the slow walk instead of misreading trees.
 */
export function checkedWasmApi(wasm: { api: WasmApi; buffer: number } | undefined, parser: Parser): { api: WasmApi; buffer: number } | undefined {
  if (!wasm) return undefined;
  const tree = parser.parse(SAMPLE);
  if (!tree) return undefined;
  try {
    const slow = trace(tree.rootNode.walk());
    const fast = trace(walkCursor(wasm, tree.rootNode.walk()));
    return fast.length > 100 && fast.length === slow.length && fast.every((v, i) => v === slow[i]) ? wasm : undefined;
  } catch {
    // Internals that differ may also trap in wasm.
    return undefined;
  } finally {
    tree.delete();
  }
}

/**
 * A tree-sitter tree as one flat Int32Array, so a parse worker can hand the tree to the main
 * thread without copying (the buffer is transferred) and without structured-cloning thousands of
 * objects, which costs more than the parse itself. `TraceCursor` walks the array exactly as a
 * tree-sitter cursor walks the tree, so copyTree builds the same Syntax from either.
 */
import type { CursorLike } from './wasm-cursor.js';

/** Int32 slots per node, in preorder: type id, field id, start, end, parent, next sibling. */
const SLOTS = 6;
const TYPE = 0;
const FIELD = 1;
const START = 2;
const END = 3;
const PARENT = 4;
const NEXT = 5;

/** Records every node under the cursor (deleting the cursor after). No recursion: any depth. */
export function recordTree(cursor: CursorLike): Int32Array {
  let out = new Int32Array(SLOTS * 1024);
  let count = 0;
  // The last node seen at each depth: the previous sibling of the next node at that depth.
  const lastAt: number[] = [-1];
  const parents: number[] = [-1];
  try {
    for (let depth = 0; ;) {
      if ((count + 1) * SLOTS > out.length) {
        const bigger = new Int32Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      const at = count * SLOTS;
      out[at + TYPE] = cursor.nodeTypeId;
      out[at + FIELD] = cursor.currentFieldId;
      out[at + START] = cursor.startIndex;
      out[at + END] = cursor.endIndex;
      out[at + PARENT] = parents[depth] as number;
      out[at + NEXT] = -1;
      const previous = lastAt[depth] as number;
      if (previous >= 0) out[previous * SLOTS + NEXT] = count;
      lastAt[depth] = count;
      count++;
      if (cursor.gotoFirstChild()) {
        depth++;
        parents[depth] = count - 1;
        lastAt[depth] = -1;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (depth === 0 || !cursor.gotoParent()) return out.slice(0, count * SLOTS);
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** A cursor over a recorded tree (see recordTree); starts at the root. */
export class TraceCursor implements CursorLike {
  private at = 0;

  constructor(private readonly nodes: Int32Array) {
    if (nodes.length < SLOTS || nodes.length % SLOTS !== 0) throw new RangeError(`not a recorded tree (${nodes.length} slots)`);
  }

  get nodeTypeId(): number {
    return this.nodes[this.at * SLOTS + TYPE] as number;
  }

  get currentFieldId(): number {
    return this.nodes[this.at * SLOTS + FIELD] as number;
  }

  get startIndex(): number {
    return this.nodes[this.at * SLOTS + START] as number;
  }

  get endIndex(): number {
    return this.nodes[this.at * SLOTS + END] as number;
  }

  gotoFirstChild(): boolean {
    // In preorder a node's first child, if any, comes right after it.
    const next = this.at + 1;
    if (next * SLOTS >= this.nodes.length || this.nodes[next * SLOTS + PARENT] !== this.at) return false;
    this.at = next;
    return true;
  }

  gotoNextSibling(): boolean {
    const next = this.nodes[this.at * SLOTS + NEXT] as number;
    if (next < 0) return false;
    this.at = next;
    return true;
  }

  gotoParent(): boolean {
    const parent = this.nodes[this.at * SLOTS + PARENT] as number;
    if (parent < 0) return false;
    this.at = parent;
    return true;
  }

  delete(): void {
    // Nothing to free: the array belongs to the garbage collector.
  }
}

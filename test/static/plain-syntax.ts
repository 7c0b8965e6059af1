import type { Syntax } from '../../src/flows/static/syntax.js';

/** A syntax node as plain data (no file reference), fields by the index of the child they hold. */
export function plain(n: Syntax): unknown {
  return {
    type: n.type, named: n.named, start: n.start, end: n.end,
    children: n.children.map(plain),
    fields: n.fields ? [...n.fields].map(([k, v]) => [k, v.map((c) => n.children.indexOf(c))]) : undefined,
  };
}

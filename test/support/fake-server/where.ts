/**
 * A small evaluator for Hasura's `where` / `order_by` / `distinct_on` / `limit` arguments, enough
 * for what prefect-git sends. Anything it does not know throws, so a client change that starts
 * using a new filter makes the tests fail instead of silently matching everything.
 */

/** How a table's rows are filtered: its columns and its object relationships. */
export interface TableDef {
  name: string;
  columns: ReadonlySet<string>;
  /** Object relationships: the related table, and the related row of a row. */
  relations: Readonly<Record<string, { def: () => TableDef; row: (row: object) => object | undefined }>>;
}

const OPERATORS = new Set(['_eq', '_neq', '_in', '_nin', '_is_null']);

/** Throws on any filter the evaluator does not know, even when there are no rows to test. */
export function checkWhere(def: TableDef, where: unknown): void {
  if (where === undefined || where === null) return;
  if (!isObj(where)) throw new Error(`fake server: ${def.name}_bool_exp must be an object`);
  for (const [key, value] of Object.entries(where)) {
    if (key === '_and' || key === '_or') asList(value).forEach((w) => checkWhere(def, w));
    else if (key === '_not') checkWhere(def, value);
    else if (def.relations[key] !== undefined) checkWhere(def.relations[key].def(), value);
    else if (!def.columns.has(key)) throw new Error(`fake server: unsupported filter ${def.name}.${key}`);
    else if (!isObj(value)) throw new Error(`fake server: ${def.name}.${key} needs a comparison object`);
    else for (const op of Object.keys(value)) if (!OPERATORS.has(op)) throw new Error(`fake server: unsupported operator ${def.name}.${key}.${op}`);
  }
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function cell(row: object, column: string): unknown {
  return (row as Obj)[column];
}

/** Hasura accepts a single object where a list is expected (GraphQL list coercion). */
function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** True when `row` satisfies the boolean expression `where`. */
export function matches(def: TableDef, row: object, where: unknown): boolean {
  if (where === undefined || where === null) return true;
  if (!isObj(where)) throw new Error(`fake server: ${def.name}_bool_exp must be an object`);
  return Object.entries(where).every(([key, value]) => {
    if (key === '_and') return asList(value).every((w) => matches(def, row, w));
    if (key === '_or') return asList(value).some((w) => matches(def, row, w));
    if (key === '_not') return !matches(def, row, value);
    const relation = def.relations[key];
    if (relation !== undefined) {
      const related = relation.row(row);
      return related !== undefined && matches(relation.def(), related, value);
    }
    if (!def.columns.has(key)) throw new Error(`fake server: unsupported filter ${def.name}.${key}`);
    return compare(def, key, cell(row, key), value);
  });
}

function compare(def: TableDef, column: string, actual: unknown, ops: unknown): boolean {
  if (!isObj(ops)) throw new Error(`fake server: ${def.name}.${column} needs a comparison object`);
  return Object.entries(ops).every(([op, expected]) => {
    // HASURA_GRAPHQL_V1_BOOLEAN_NULL_COLLAPSE=true on Prefect Server: `{_eq: null}` is no condition.
    if (expected === null && op !== '_is_null') return true;
    switch (op) {
      case '_eq':
        return actual === expected;
      case '_neq':
        return actual !== expected;
      case '_in':
        return asList(expected).includes(actual);
      case '_nin':
        return !asList(expected).includes(actual);
      case '_is_null':
        return (actual === null || actual === undefined) === expected;
      default:
        throw new Error(`fake server: unsupported operator ${def.name}.${column}.${op}`);
    }
  });
}

type Direction = { desc: boolean; nullsFirst: boolean };

const DIRECTIONS: Record<string, Direction> = {
  // Postgres defaults: ASC puts nulls last, DESC puts them first.
  asc: { desc: false, nullsFirst: false },
  asc_nulls_last: { desc: false, nullsFirst: false },
  asc_nulls_first: { desc: false, nullsFirst: true },
  desc: { desc: true, nullsFirst: true },
  desc_nulls_first: { desc: true, nullsFirst: true },
  desc_nulls_last: { desc: true, nullsFirst: false },
};

function orderTerms(def: TableDef, orderBy: unknown): Array<{ column: string; dir: Direction }> {
  if (orderBy === undefined || orderBy === null) return [];
  return asList(orderBy).flatMap((term) => {
    if (!isObj(term)) throw new Error(`fake server: ${def.name}_order_by must be an object`);
    return Object.entries(term).map(([column, value]) => {
      const dir = typeof value === 'string' ? DIRECTIONS[value] : undefined;
      if (!def.columns.has(column) || dir === undefined) {
        throw new Error(`fake server: unsupported order_by ${def.name}.${column}`);
      }
      return { column, dir };
    });
  });
}

function compareValues(a: unknown, b: unknown, dir: Direction): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull === dir.nullsFirst ? -1 : 1;
  const base = (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
  return dir.desc ? -base : base;
}

/** Hasura's list-field arguments. */
export interface SelectArgs {
  where?: unknown;
  order_by?: unknown;
  distinct_on?: unknown;
  limit?: number | null;
  offset?: number | null;
}

/** Filters, orders, de-duplicates and pages rows like Hasura does. */
export function select<R extends object>(def: TableDef, rows: readonly R[], args: SelectArgs): R[] {
  checkWhere(def, args.where);
  const terms = orderTerms(def, args.order_by);
  let out = rows.filter((row) => matches(def, row, args.where));
  out.sort((a, b) => {
    for (const { column, dir } of terms) {
      const c = compareValues(cell(a, column), cell(b, column), dir);
      if (c !== 0) return c;
    }
    return 0;
  });
  if (args.distinct_on !== undefined && args.distinct_on !== null) {
    const distinct = asList(args.distinct_on).map(String);
    const leading = terms.slice(0, distinct.length).map((t) => t.column);
    // Postgres rule that Hasura passes on: DISTINCT ON expressions must match leading ORDER BY.
    if (terms.length > 0 && [...distinct].sort().join() !== [...leading].sort().join()) {
      throw new Error('"distinct_on" columns must match initial "order_by" columns');
    }
    const seen = new Set<string>();
    out = out.filter((row) => {
      const key = JSON.stringify(distinct.map((c) => cell(row, c)));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const offset = args.offset ?? 0;
  return out.slice(offset, args.limit === undefined || args.limit === null ? undefined : offset + args.limit);
}

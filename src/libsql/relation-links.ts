// How a new entry is linked to relations whose other side keeps its own order, such as an
// author's list of articles. Strapi's create reads `max(order)` for each related entry, then
// inserts the links with `max + 1`: the insert waits a round trip for the read's answer, and
// the transaction holds SQLite's one writer across both. Here a single INSERT computes each
// order itself. Nothing reads its answer, so a remote session sends it with the transaction's
// COMMIT (unread-answers.ts): the whole transaction is one request, and over a WebSocket it
// holds the writer for no round trip. Called from @strapi/database's
// createRelations (edit "create-links-in-one-statement").
import type { Knex } from "knex";
import { unreadAnswer } from "./unread-answers";

export interface OrderedJoinTable {
  name: string;
  inverseJoinColumn: { name: string };
  inverseOrderColumnName: string;
  /** Columns every row of the table carries (a component's `field`), which scope the order too. */
  on?: Record<string, unknown>;
}

type LinkRow = Record<string, unknown>;

/**
 * On libSQL only: the statement is SQLite's, and other dialects keep Strapi's own path. Rows
 * that name different columns (different `__pivot` data) cannot share one column list.
 */
export function linksInsertableInOneStatement(connection: Knex, rows: readonly LinkRow[]): boolean {
  if ((connection.client as { driverName?: string }).driverName !== "libsql" || rows.length === 0) return false;
  const columnsOf = (row: LinkRow) => Object.keys(row).sort().join("\n");
  const columns = columnsOf(rows[0]!);
  return rows.every((row) => columnsOf(row) === columns);
}

/**
 * Inserts `rows`, each one last in its related entry's order: one more than the largest order
 * that entry's links had before the statement, or 1 for its first link. This is what Strapi
 * computes, with the read inside the write. SQLite evaluates the VALUES before inserting any
 * row, as a statement that reads the table it writes to must.
 */
export async function insertLinksLastInInverseOrder(
  connection: Knex,
  transaction: Knex.Transaction | undefined,
  joinTable: OrderedJoinTable,
  rows: readonly LinkRow[],
): Promise<void> {
  const { name: table, inverseOrderColumnName: orderColumn, on = {} } = joinTable;
  const inverseColumn = joinTable.inverseJoinColumn.name;
  const columns = Object.keys(rows[0]!);
  const scope = Object.keys(on);
  const nextOrder = `coalesce((select max(??) from ?? where ?? = ?${scope.map(() => " and ?? = ?").join("")}), 0) + 1`;
  const tuple = `(${columns.map(() => "?").join(", ")}, ${nextOrder})`;
  const sql = `insert into ?? (${[...columns, orderColumn].map(() => "??").join(", ")}) values ${rows.map(() => tuple).join(", ")}`;
  const bindings = [
    table,
    ...columns,
    orderColumn,
    ...rows.flatMap((row) => [
      ...columns.map((column) => row[column]),
      orderColumn,
      table,
      inverseColumn,
      row[inverseColumn],
      ...scope.flatMap((column) => [column, on[column]]),
    ]),
  ];
  // Strapi reads nothing of the insert's answer: over a network it can go with the COMMIT.
  const query = unreadAnswer(connection.raw(sql, bindings as Knex.RawBinding[]));
  await (transaction ? query.transacting(transaction) : query);
}

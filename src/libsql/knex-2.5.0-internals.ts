// What the client changes inside knex 2.5.0's own objects, rather than through a method its
// sqlite3 client defines: a runner's queryArray, and the statementsProducer of SQLite's table
// rebuild. Both are knex internals (lib/execution/runner.js, lib/dialects/sqlite3), which the
// version @strapi/database 4.25.9 pins; another knex version must be checked against these.
//
// knex runs a schema builder's statements (a table, then its indexes) and SQLite's table
// rebuild (to add a foreign key: copy, drop, rename, indexes, check) one by one, each after
// the last one's answer, which none of them needs. Told in advance (Session.expectSequence), a
// remote session sends each list as one batch: a cold boot of Strapi has about 80 rebuilds and
// 130 tables.
import type Client_SQLite3 = require("knex/lib/dialects/sqlite3");
import type { Session } from "./session";
import { toSqlValue } from "./values";

/** `runner`, made to announce each list of statements to its session before running it. */
export function announcingSequences(runner: Client_SQLite3.Runner): Client_SQLite3.Runner {
  const queryArray = runner.queryArray.bind(runner);
  runner.queryArray = (queries) => {
    const session = runner.connection as Session | undefined;
    const expectSequence = session?.expectSequence?.bind(session);
    return queryArray(expectSequence ? announced(expectSequence, queries) : queries);
  };
  return runner;
}

/** `queries`, after telling the session which statements they will run in a row (a rebuild's, once its producer made them). */
function announced(expectSequence: NonNullable<Session["expectSequence"]>, queries: Client_SQLite3.RunnerQuery[]): Client_SQLite3.RunnerQuery[] {
  const toStatement = (sql: string, bindings: readonly unknown[] | undefined) => ({ sql, args: (bindings ?? []).map(toSqlValue) });
  const [only] = queries;
  if (queries.length === 1 && only?.statementsProducer) {
    const produce = only.statementsProducer.bind(only);
    const bindings = only.bindings;
    // knex runs `pre`, then in a savepoint `sql` and `check` (PRAGMA foreign_key_check), then `post`.
    return [
      {
        ...only,
        statementsProducer: async (pragma, connection) => {
          const produced = await produce(pragma, connection);
          const sequence = produced.check === null ? produced.sql : [...produced.sql, produced.check];
          expectSequence(sequence.map((sql) => toStatement(sql, bindings)));
          return produced;
        },
      },
    ];
  }
  if (queries.length > 1 && queries.every((query) => typeof query.sql === "string" && !query.statementsProducer)) {
    expectSequence(queries.map((query) => toStatement(query.sql as string, query.bindings)));
  }
  return queries;
}

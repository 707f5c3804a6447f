// Knex 2.5.0 publishes no types for its dialect classes; these declare the part of
// `knex/lib/dialects/sqlite3` that Client_Libsql overrides or calls.
declare module "knex/lib/dialects/sqlite3" {
  import type { Knex } from "knex";

  /** What knex hands to `_query`: the compiled statement, filled in with the driver's answer. */
  interface QueryObject {
    sql: string;
    bindings?: readonly unknown[];
    method?: string;
    /** What `.options()` gave the query, merged. */
    options?: Record<string, unknown>;
    response?: unknown;
    context?: { lastID: number | undefined; changes: number };
  }

  /** One statement of a runner's list, or SQLite's table rebuild, whose statements a producer makes. */
  interface RunnerQuery {
    sql?: unknown;
    bindings?: readonly unknown[];
    statementsProducer?(pragma: unknown, connection: unknown): Promise<ProducedStatements>;
  }

  interface ProducedStatements {
    pre: string[];
    sql: string[];
    check: string | null;
    post: string[];
  }

  /** knex's Runner: runs a builder's statements on one connection. */
  interface Runner {
    connection: unknown;
    queryArray(queries: RunnerQuery[]): Promise<unknown>;
  }

  class Client_SQLite3 {
    constructor(config: Knex.Config);
    config: Knex.Config;
    poolDefaults(): Record<string, unknown>;
    connectionSettings: Record<string, unknown>;
    driverName: string;
    _driver(): unknown;
    acquireRawConnection(): Promise<unknown>;
    /** knex's Client: a connection from the pool. */
    acquireConnection(): Promise<unknown>;
    destroyRawConnection(connection: unknown): Promise<void>;
    _query(connection: unknown, obj: QueryObject): Promise<QueryObject>;
    runner(builder: unknown): Runner;
  }

  namespace Client_SQLite3 {
    export { QueryObject, RunnerQuery, Runner };
  }

  export = Client_SQLite3;
}

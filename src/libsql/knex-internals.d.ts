// Knex 2.5.0 publishes no types for its dialect classes; these declare the part of
// `knex/lib/dialects/sqlite3` that Client_Libsql overrides or calls.
declare module "knex/lib/dialects/sqlite3" {
  import type { Knex } from "knex";

  /** What knex hands to `_query`: the compiled statement, filled in with the driver's answer. */
  interface QueryObject {
    sql: string;
    bindings?: readonly unknown[];
    method?: string;
    response?: unknown;
    context?: { lastID: number | undefined; changes: number };
  }

  class Client_SQLite3 {
    constructor(config: Knex.Config);
    config: Knex.Config;
    poolDefaults(): Record<string, unknown>;
    connectionSettings: Record<string, unknown>;
    driverName: string;
    _driver(): unknown;
    acquireRawConnection(): Promise<unknown>;
    destroyRawConnection(connection: unknown): Promise<void>;
    _query(connection: unknown, obj: QueryObject): Promise<QueryObject>;
  }

  namespace Client_SQLite3 {
    export { QueryObject };
  }

  export = Client_SQLite3;
}

// Strapi's dialect for libSQL: its SQLite dialect, minus the parts that assume a file path.
// It keeps the dialect name "sqlite" (set by SqliteDialect's constructor), so every
// `dialect.client === "sqlite"` branch in Strapi and its plugins, such as `_q` search and
// the Media Library's folder moves, takes the SQLite path that libSQL understands.
import { holdBootLock } from "./boot-lock";
import { withDeadline } from "./deadline";
import { registerOutageResponses } from "./outage-responses";
import { writeEntriesWhole, type TransactionContext } from "./whole-writes";

/** The members of the bundle's SqliteDialect that LibsqlDialect relies on. */
export interface SqliteDialectLike {
  db: { connection: { raw(sql: string, bindings?: readonly unknown[]): PromiseLike<unknown> } };
  configure(): void;
  initialize(): Promise<void>;
  transformErrors(error: unknown): void;
}

type SqliteDialectClass = new (db: unknown) => SqliteDialectLike;

/** How long the readiness check waits for the database: a load balancer's probe waits little longer. */
const READY_WITHIN_MS = 2_000;

/** SQLite's primary result code for constraint violations, as node-sqlite3 reports it. */
const SQLITE_CONSTRAINT = 19;

export function defineLibsqlDialect(SqliteDialect: SqliteDialectClass) {
  return class LibsqlDialect extends SqliteDialect {
    // The seed recipe redeclared `schemaInspector;` here: a redeclared class field is reset to
    // undefined after super() returns, and Strapi then fails in syncSchema. Declare nothing.

    configure(): void {
      // SqliteDialect resolves `filename` as a path and creates its folder; a libSQL URL is
      // not a path. The file session creates the folder of a `file:` database itself.
    }

    async initialize(): Promise<void> {
      try {
        await super.initialize();
      } catch (error) {
        // Strapi's Database constructor does not await initialize(): a rejection here would
        // end the process as an unhandled rejection, a stack trace with no hint. This is the
        // first statement sent to the database, so a wrong URL or token surfaces here.
        const summary = (error as { summary?: unknown }).summary;
        console.error(typeof summary === "string" ? summary : `libsql: cannot open the database: ${(error as Error).message}`);
        process.exit(1);
      }
      // Strapi creates its server before the database and registers its middlewares after:
      // registered now, this one sees every request, and Strapi's answer to it, first.
      registerOutageResponses(() => withDeadline(Promise.resolve(this.db.connection.raw("select 1")), READY_WITHIN_MS, () => {}));
    }

    /** Called by Strapi's Database once its entity manager exists: see whole-writes.ts. */
    entityManagerCreated(entityManager: Parameters<typeof writeEntriesWhole>[0], context: TransactionContext): void {
      writeEntriesWhole(entityManager, this.db as unknown as Parameters<typeof writeEntriesWhole>[1], context);
    }

    /** Called by Strapi's schema sync before it reads or creates a table: one process at a time. */
    beforeSchemaSync(): Promise<void> {
      return holdBootLock(this.db.connection);
    }

    transformErrors(error: unknown): void {
      // Strapi maps node-sqlite3's errno 19 to NotNullError; libSQL names the violation in a
      // string code instead, and the same mapping must hold for it.
      if (isNotNullViolation(error)) {
        Object.assign(error, { errno: SQLITE_CONSTRAINT });
      }
      super.transformErrors(error);
    }
  };
}

function isNotNullViolation(error: unknown): error is Error {
  return error instanceof Error && /NOT NULL constraint failed/.test(error.message);
}

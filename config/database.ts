// Which database Strapi uses. With nothing set, the app runs on a local libSQL file;
// DATABASE_URL (or Turso's TURSO_DATABASE_URL) points it at any libSQL database, and
// DATABASE_CLIENT=sqlite switches back to Strapi's own SQLite (better-sqlite3), and
// DATABASE_CLIENT=postgres to Postgres, kept for comparison (`pnpm bench`).
export default ({ env }: { env: StrapiEnv }) => {
  // An empty line in .env (`DATABASE_URL=`) means "not set", as it does in .env.example.
  const setting = (name: string, fallback: string) => env(name) || fallback;
  const client = setting("DATABASE_CLIENT", "libsql");

  const connections: Record<string, object> = {
    libsql: {
      connection: {
        url: setting("DATABASE_URL", setting("TURSO_DATABASE_URL", "file:.tmp/data.db")),
        authToken: setting("TURSO_AUTH_TOKEN", ""),
        // Opt-in embedded replica: DATABASE_URL is then a local file that follows this primary.
        syncUrl: setting("TURSO_SYNC_URL", ""),
        syncInterval: setting("TURSO_SYNC_INTERVAL", "60"),
        // Milliseconds; empty means the client's defaults (3000 and 30000).
        connectTimeout: setting("DATABASE_CONNECT_TIMEOUT", ""),
        statementTimeout: setting("DATABASE_STATEMENT_TIMEOUT", ""),
        // false: a write whose answer Strapi never reads waits for it like any other, instead of
        // going out with its transaction's next statement (docs/design.md).
        holdUnreadWrites: setting("DATABASE_HOLD_UNREAD_WRITES", "true"),
      },
      useNullAsDefault: true,
    },
    sqlite: {
      connection: {
        filename: setting("DATABASE_FILENAME", ".tmp/sqlite.db"),
      },
      useNullAsDefault: true,
    },
    // Strapi's own template, with its variable names; `pg` is a dev dependency here.
    postgres: {
      connection: {
        host: setting("DATABASE_HOST", "localhost"),
        port: Number(setting("DATABASE_PORT", "5432")),
        database: setting("DATABASE_NAME", "strapi"),
        user: setting("DATABASE_USERNAME", "strapi"),
        password: setting("DATABASE_PASSWORD", "strapi"),
        ssl: env.bool("DATABASE_SSL", false),
        schema: setting("DATABASE_SCHEMA", "public"),
      },
      pool: { min: 2, max: 10 },
    },
  };

  if (!(client in connections)) {
    exitWith(`DATABASE_CLIENT=${client} is not supported by this app; use libsql (the default), sqlite or postgres`);
  }
  // Not env.int: it reads an empty value as NaN, which knex's pool rejects with "Tarn: invalid
  // opt.acquireTimeoutMillis", naming neither the variable nor the fix.
  const timeout = setting("DATABASE_CONNECTION_TIMEOUT", "60000");
  if (!/^[1-9][0-9]*$/.test(timeout)) {
    exitWith(`DATABASE_CONNECTION_TIMEOUT=${timeout} is not a number of milliseconds; give one such as 60000, or leave it unset`);
  }

  return {
    connection: {
      client,
      ...connections[client],
      acquireConnectionTimeout: Number(timeout),
    },
  };
};

/**
 * A setting that cannot work ends the boot with one line, as the libSQL dialect does for a
 * wrong URL or token: thrown here, it would reach Strapi as "Server wasn't able to start
 * properly" and a stack trace.
 */
function exitWith(line: string): never {
  console.error(line);
  process.exit(1);
}

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
    throw new Error(`DATABASE_CLIENT=${client} is not supported by this app; use libsql (the default), sqlite or postgres`);
  }

  return {
    connection: {
      client,
      ...connections[client],
      acquireConnectionTimeout: env.int("DATABASE_CONNECTION_TIMEOUT", 60000),
    },
  };
};

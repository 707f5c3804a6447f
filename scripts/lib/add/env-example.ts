// The variables the libsql connection reads, appended to the app's .env.example.

export const ENV_BLOCK = `
# libSQL / Turso (added by strapi-libsql). Select it with DATABASE_CLIENT=libsql.
# DATABASE_URL: file:.tmp/data.db (local file), libsql://<db>-<org>.turso.io (Turso), http://127.0.0.1:8080 (sqld)
TURSO_DATABASE_URL=
# The database token (turso db tokens create <db>); must equal ?authToken= if the URL has one.
TURSO_AUTH_TOKEN=
# Opt-in embedded replica: the primary to follow, with DATABASE_URL=file:.tmp/replica.db.
TURSO_SYNC_URL=
`;

export function appendEnvVariables(source: string): string | undefined {
  if (/^TURSO_AUTH_TOKEN=/m.test(source)) return undefined;
  return `${source.replace(/\n*$/, "\n")}${ENV_BLOCK}`;
}

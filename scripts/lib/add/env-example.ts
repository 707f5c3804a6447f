// The variables the libsql connection reads, appended to the app's .env.example. Listed empty:
// the connection `add` writes reads an empty variable as unset, so `cp .env.example .env`
// boots on the local file.
export const ENV_BLOCK = `
# libSQL / Turso (added by strapi-libsql). An empty value counts as unset.
DATABASE_CLIENT=libsql
# Default file:.tmp/data.db (a local file); libsql://<db>-<org>.turso.io (Turso), http://127.0.0.1:8080 (sqld)
DATABASE_URL=
# The database token (turso db tokens create <db>); must equal ?authToken= if the URL has one.
TURSO_AUTH_TOKEN=
# Opt-in embedded replica: the primary to follow, with DATABASE_URL=file:.tmp/replica.db.
TURSO_SYNC_URL=
`;

export function appendEnvVariables(source: string): string | undefined {
  if (/^TURSO_AUTH_TOKEN=/m.test(source)) return undefined;
  // An app that already chose its client in .env.example keeps the choice.
  const block = /^DATABASE_CLIENT=/m.test(source) ? ENV_BLOCK.replace("DATABASE_CLIENT=libsql\n", "") : ENV_BLOCK;
  // DATABASE_URL may be the app's Postgres or MySQL URL already: then it is not listed twice.
  const withoutUrl = /^DATABASE_URL=/m.test(source) ? block.replace(/^# Default file:.*\nDATABASE_URL=\n/m, "") : block;
  return `${source.replace(/\n*$/, "\n")}${withoutUrl}`;
}

// Adds a `libsql` entry to the `connections` object of Strapi's generated config/database.*,
// and only there: anything else is left as the user wrote it.

export const LIBSQL_CONNECTION = `    libsql: {
      connection: {
        url: env('DATABASE_URL', env('TURSO_DATABASE_URL', 'file:.tmp/data.db')),
        authToken: env('TURSO_AUTH_TOKEN', ''),
        // Opt-in embedded replica: DATABASE_URL is then a local file following this primary.
        syncUrl: env('TURSO_SYNC_URL', ''),
      },
      useNullAsDefault: true,
    },
`;

/** Where Strapi's template opens its map of connections; the entry goes first in it. */
const CONNECTIONS_OPENING = /^(\s*)const connections = \{\n/m;

export type ConfigEdit = { kind: "unchanged" } | { kind: "edited"; text: string } | { kind: "manual"; snippet: string };

export function addLibsqlConnection(source: string): ConfigEdit {
  if (/^\s*libsql:\s*\{/m.test(source)) return { kind: "unchanged" };
  const opening = CONNECTIONS_OPENING.exec(source);
  if (!opening || source.match(new RegExp(CONNECTIONS_OPENING.source, "gm"))!.length !== 1) {
    return { kind: "manual", snippet: LIBSQL_CONNECTION };
  }
  const at = opening.index + opening[0].length;
  return { kind: "edited", text: source.slice(0, at) + LIBSQL_CONNECTION + source.slice(at) };
}

// The `libsql` entry in the `connections` of Strapi's generated config/database.*: added first
// in the map when missing, and migrated when it is the blog recipe's or an older strapi-libsql
// one. Anything else in the file is left as the user wrote it.

/** The entry, reading the URL from `urlFallback` (source text) when no variable sets one. */
export function libsqlConnection(urlFallback = "'file:.tmp/data.db'"): string {
  return `    libsql: {
      connection: {
        // An empty variable counts as unset: .env.example lists them empty.
        url: env('DATABASE_URL') || env('TURSO_DATABASE_URL') || ${urlFallback},
        authToken: env('TURSO_AUTH_TOKEN', ''),
        // Opt-in embedded replica: DATABASE_URL is then a local file following this primary.
        syncUrl: env('TURSO_SYNC_URL', ''),
      },
      useNullAsDefault: true,
    },
`;
}

export const LIBSQL_CONNECTION = libsqlConnection();

/**
 * What earlier releases of `strapi-libsql add` wrote. Strapi's env() gives "" for a variable set
 * empty, so `cp .env.example .env` left DATABASE_URL "" and the boot failed.
 */
const EARLIER_CONNECTION = `    libsql: {
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

/** The recipe's `connection: { filename: X }`, X a string literal or env('DATABASE_URL'[, default]). */
const RECIPE_ENTRY =
  /^libsql:\{connection:\{filename:(?:(?<literal>'[^'\\]*'|"[^"\\]*"|`[^`\\$]*`)|env\((?:'DATABASE_URL'|"DATABASE_URL")(?:,(?<fallback>'[^'\\]*'|"[^"\\]*"))?\)),?\},useNullAsDefault:true,?\},?$/;

export type ConfigEdit =
  | { kind: "unchanged" }
  /** `note`: what a migration replaced, said in one line; a plain addition needs none. */
  | { kind: "edited"; text: string; note?: string }
  | { kind: "manual"; snippet: string }
  | { kind: "refused"; reason: string };

export function addLibsqlConnection(source: string, file: string): ConfigEdit {
  const entry = findLibsqlEntry(source);
  if (entry) return migrateEntry(source, entry, file);
  const opening = CONNECTIONS_OPENING.exec(source);
  if (!opening || source.match(new RegExp(CONNECTIONS_OPENING.source, "gm"))!.length !== 1) {
    return { kind: "manual", snippet: LIBSQL_CONNECTION };
  }
  const at = opening.index + opening[0].length;
  return { kind: "edited", text: source.slice(0, at) + LIBSQL_CONNECTION + source.slice(at) };
}

function migrateEntry(source: string, entry: { start: number; end: number }, file: string): ConfigEdit {
  const text = source.slice(entry.start, entry.end);
  // An entry of the user's own that passes a URL and a token is theirs to keep.
  if (text === LIBSQL_CONNECTION || (text !== EARLIER_CONNECTION && /\burl:/.test(text) && /\bauthToken:/.test(text))) return { kind: "unchanged" };
  const replace = (entryText: string, note: string): ConfigEdit => ({
    kind: "edited",
    text: source.slice(0, entry.start) + entryText + source.slice(entry.end),
    note,
  });
  if (text === EARLIER_CONNECTION) {
    return replace(LIBSQL_CONNECTION, `${file}: an empty DATABASE_URL in the libsql connection now means the local file, as unset does`);
  }
  const recipe = RECIPE_ENTRY.exec(withoutSpaceAndComments(text));
  if (recipe?.groups) {
    const { literal, fallback } = recipe.groups;
    const kept = literal ?? fallback;
    return replace(
      libsqlConnection(kept?.replace(/^["`]|["`]$/g, "'") ?? undefined),
      `${file}: replaced the blog recipe's libsql connection (connection.filename) with url and authToken, from DATABASE_URL and TURSO_AUTH_TOKEN` +
        (literal ? "; its URL stays the default" : ""),
    );
  }
  return {
    kind: "refused",
    reason:
      `${file} has a libsql connection that strapi-libsql cannot rewrite safely; ` +
      "make its connection { url: env('DATABASE_URL'), authToken: env('TURSO_AUTH_TOKEN') } and run add again",
  };
}

/**
 * The `libsql: { ... },` entry (its indentation, through the comma and newline after its closing
 * brace), if the file has one. Braces inside strings and comments are not expected in an entry.
 */
function findLibsqlEntry(source: string): { start: number; end: number } | undefined {
  const key = /^[ \t]*libsql:\s*\{/m.exec(source);
  if (!key) return undefined;
  let depth = 0;
  for (let at = key.index + key[0].length - 1; at < source.length; at++) {
    if (source[at] === "{") depth++;
    if (source[at] === "}" && --depth === 0) {
      const after = /^,?[ \t]*\n?/.exec(source.slice(at + 1))![0];
      return { start: key.index, end: at + 1 + after.length };
    }
  }
  return undefined;
}

function withoutSpaceAndComments(text: string): string {
  return text
    .replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (comment, offset: number, whole: string) => (isInString(whole, offset) ? comment : ""))
    .replace(/\s+(?=(?:[^'"`]|'[^']*'|"[^"]*"|`[^`]*`)*$)/g, "");
}

/** Whether `offset` falls inside a quoted string of `text` (the recipe's URL has `//` in it). */
function isInString(text: string, offset: number): boolean {
  let quote: string | undefined;
  for (let at = 0; at < offset; at++) {
    const char = text[at]!;
    if (quote) {
      if (char === quote && text[at - 1] !== "\\") quote = undefined;
    } else if (char === "'" || char === '"' || char === "`") {
      quote = char;
    }
  }
  return quote !== undefined;
}

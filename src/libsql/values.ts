// Conversions between what knex binds / expects back and what libSQL transports.
// The reference is Strapi on better-sqlite3: dates become epoch milliseconds, booleans 1/0.

/** A value libSQL can bind. */
export type SqlValue = null | string | number | bigint | Uint8Array;

export function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return BigInt(value.valueOf());
  if (typeof value === "boolean") return value ? 1n : 0n;
  // Hrana sends a JS number as a float; an integral one is sent as an integer so that
  // `LIMIT ?`, integer comparisons and TEXT columns see what SQLite drivers give them.
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === "string") return wellFormed(value);
  if (typeof value === "bigint") return value;
  const bytes = asBytes(value);
  if (bytes !== undefined) return bytes;
  return String(value);
}

/**
 * Binary data as the Uint8Array every driver here binds as a blob. A Buffer is one already.
 * The `libsql` package refuses an ArrayBuffer and any other view ("SQLite3 can only bind
 * numbers, strings, bigints, buffers, and null"), and Hrana would send those as text: the
 * view's own bytes, offset and length kept, are what the caller meant to store.
 */
function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/**
 * A lone UTF-16 surrogate (half an emoji, from a client that cut a string by length) becomes
 * U+FFFD, as the local engine stores it: sqld refuses the JSON escape for it outright, which
 * turned such a request into a 500.
 */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * Integers are read as bigint so that none is rounded: those a JS number holds exactly come
 * back as numbers (ids, counts), larger ones as exact decimal strings, as Postgres gives them.
 */
export function fromSqlValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return value;
}

export function toRowObject(columns: readonly string[], row: readonly unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    object[column] = fromSqlValue(row[index]);
  });
  return object;
}

// Binary values through the knex client as Strapi loads it, on every kind of libSQL database:
// stored and read back byte for byte, as Buffers (what better-sqlite3 returns for a blob), and
// found again by a `where` that binds them. Each database is used from a child process: the
// `libsql` package once aborted the whole process (a Rust panic, exit 134) on a lone Buffer
// binding, and a test must fail on that rather than end vitest.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { INSTALLED_CLIENT } from "../../test/helpers/installed-client";
import { libsqlTargets, TARGET_NAMES } from "../../test/helpers/knex-targets";

const targets = libsqlTargets("binary-values");

/**
 * Creates a table with a blob column, inserts the same bytes in each binary form, selects each
 * back by a `where` on the column (a lone binding), and prints what it read as JSON.
 */
const CHILD = `
  const [knexPath, clientPath, connectionJson, table] = process.argv.slice(1);
  const db = require(knexPath)({ client: require(clientPath), connection: JSON.parse(connectionJson) });
  // Each form's bytes start with a byte of their own, so that a lookup by value finds one row.
  const bytes = (first) => [first, 0, 1, 2, 127, 128, 255];
  const forms = {
    Buffer: Buffer.from(bytes(1)),
    "Buffer slice": Buffer.from([9, 9, ...bytes(2), 9]).subarray(2, 2 + bytes(2).length),
    Uint8Array: new Uint8Array(bytes(3)),
    ArrayBuffer: new Uint8Array(bytes(4)).buffer,
    "empty Buffer": Buffer.alloc(0),
  };
  (async () => {
    await db.schema.createTable(table, (t) => { t.increments("id"); t.string("form"); t.binary("data"); });
    const found = {};
    for (const [form, value] of Object.entries(forms)) {
      await db(table).insert({ form, data: value });
      const rows = await db(table).where("data", value).select("data");
      found[form] = rows.map((row) => ({ isBuffer: Buffer.isBuffer(row.data), hex: Buffer.from(row.data).toString("hex") }));
    }
    const all = await db(table).select("form", "data").orderBy("id");
    const stored = all.map((row) => [row.form, Buffer.isBuffer(row.data), row.data.toString("hex")]);
    console.log(JSON.stringify({ found, stored }));
    await db.destroy();
  })().catch((error) => { console.error(error); process.exit(1); });
`;

interface ChildOutcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function runChild(connection: Record<string, unknown>, table: string): Promise<ChildOutcome> {
  const knexPath = createRequire(INSTALLED_CLIENT).resolve("knex");
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", CHILD, knexPath, INSTALLED_CLIENT, JSON.stringify(connection), table], { timeout: 50_000 }, (error, stdout, stderr) => {
      const failed = error as { code?: number; signal?: string } | null;
      resolve({ code: failed ? (failed.code ?? null) : 0, signal: failed?.signal ?? null, stdout, stderr });
    });
  });
}

const HEX = "0001027f80ff";
const one = (hex: string) => [{ isBuffer: true, hex }];

describe.each(TARGET_NAMES)("binary values on a libSQL %s", (target) => {
  it("stores Buffers, Buffer slices, Uint8Arrays and ArrayBuffers byte for byte, reads them back as Buffers, and finds them by value", async () => {
    const table = `blobs_${target.replace(/\W/g, "_")}`;
    const child = await runChild(targets.connection(target, table), table);
    // A panic in the driver shows as SIGABRT (exit code 134 in a shell) and its message on stderr.
    expect({ code: child.code, signal: child.signal, stderr: child.stderr.slice(-2000) }).toEqual({ code: 0, signal: null, stderr: "" });
    const { found, stored } = JSON.parse(child.stdout) as { found: Record<string, unknown>; stored: unknown[] };
    expect(stored).toEqual([
      ["Buffer", true, `01${HEX}`],
      ["Buffer slice", true, `02${HEX}`],
      ["Uint8Array", true, `03${HEX}`],
      ["ArrayBuffer", true, `04${HEX}`],
      ["empty Buffer", true, ""],
    ]);
    expect(found).toEqual({ Buffer: one(`01${HEX}`), "Buffer slice": one(`02${HEX}`), Uint8Array: one(`03${HEX}`), ArrayBuffer: one(`04${HEX}`), "empty Buffer": one("") });
  });
});

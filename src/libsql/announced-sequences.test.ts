// knex's statement lists against a real sqld, through the client as installed: announced by
// knex-2.5.0-internals.ts, each list goes out as one batch, and stops where knex would.
import knex, { type Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client_Libsql } from "../../test/helpers/installed-client";
import { startSqld, type SqldServer } from "../../test/helpers/sqld";
import { roundTripsOf, startTcpProxy, type TcpProxy } from "../../test/helpers/tcp-proxy";

let server: SqldServer;
let proxy: TcpProxy;
beforeAll(async () => {
  server = await startSqld();
  proxy = await startTcpProxy({ port: server.port });
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe.each(["ws", "http"] as const)("schema changes over %s: knex's statement lists go out as one batch", (scheme) => {
  let schema: Knex;
  beforeAll(() => {
    schema = knex({ client: Client_Libsql, connection: { url: `${scheme}://127.0.0.1:${proxy.port}`, authToken: server.authToken } } as unknown as Knex.Config);
  });
  afterAll(async () => {
    await schema?.destroy();
  });

  it("creates a table with its indexes in one round trip, and adds a foreign key (SQLite's table rebuild) keeping its rows", async () => {
    const [parent, child] = [`parent_${scheme}`, `child_${scheme}`];
    await schema.transaction(async (trx) => {
      await trx.schema.createTable(parent, (t) => t.increments("id"));
      const createTrips = await roundTripsOf(proxy, () =>
        trx.schema.createTable(child, (t) => {
          t.increments("id");
          t.string("name").index();
          t.integer("parent_id").index();
        }),
      );
      // create table + 2 create index, statement by statement, were 3.
      expect(createTrips).toBe(1);
      await trx(parent).insert({ id: 1 });
      await trx(child).insert({ name: "kept", parent_id: 1 });
      const rebuildTrips = await roundTripsOf(proxy, () => trx.schema.alterTable(child, (t) => t.foreign("parent_id").references("id").inTable(parent).onDelete("CASCADE")));
      // knex's own: [savepoint, read the table's SQL], release, read foreign_keys, [savepoint,
      // create the new table, copy, drop, rename, 2 indexes, foreign_key_check], release: 5 round
      // trips, each bracketed list in one batch. One by one, and with the setting of foreign_keys
      // off and on again (which SQLite ignores inside a transaction), they were 15.
      expect(rebuildTrips).toBe(5);
    });
    expect(await schema(child).select("name", "parent_id")).toEqual([{ name: "kept", parent_id: 1 }]);
    const keys = (await schema.raw(`pragma foreign_key_list(${child})`)) as Array<{ table: string; on_delete: string }>;
    expect(keys.map((k) => [k.table, k.on_delete])).toEqual([[parent, "CASCADE"]]);
    const indexes = (await schema.raw(`pragma index_list(${child})`)) as Array<{ name: string }>;
    expect(indexes.map((i) => i.name).sort()).toEqual([`${child}_name_index`, `${child}_parent_id_index`]);
  });

  it("sends a nested transaction's savepoint with its first statement, and rolls back to it as SQLite would", async () => {
    const table = `nested_${scheme}`;
    await schema.raw(`create table ${table} (x integer primary key)`);
    await schema.transaction(async (trx) => {
      await trx(table).insert({ x: 1 });
      const nestedTrips = await roundTripsOf(proxy, () =>
        trx.transaction(async (nested) => {
          await nested(table).insert({ x: 2 });
        }),
      );
      // [SAVEPOINT, insert], RELEASE: 3 one by one.
      expect(nestedTrips).toBe(2);
      await trx
        .transaction(async (nested) => {
          await nested(table).insert({ x: 3 });
          await nested(table).insert({ x: 1 });
        })
        .catch((error: Error) => expect(error.message).toMatch(/UNIQUE constraint failed/));
    });
    // The failed nested transaction rolled back to its savepoint: its first insert is gone, the rest kept.
    expect(await schema(table).select("x").orderBy("x")).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it("stops at a statement that fails, as knex would: its error, and none of the statements after it run", async () => {
    const table = `broken_${scheme}`;
    let failure: unknown;
    let indexesAfter: unknown;
    await schema
      .transaction(async (trx) => {
        await trx.raw("select 1");
        try {
          await trx.schema.createTable(table, (t) => {
            t.integer("x");
            t.index(["nope"], `${table}_nope`);
            t.index(["x"], `${table}_x`);
          });
        } catch (error) {
          failure = error;
        }
        // Inside the transaction still: the table was created, the failing index was not, nor the one after it.
        indexesAfter = await trx.raw(`select name from sqlite_master where tbl_name = ? order by name`, [table]);
        throw new Error("roll back");
      })
      .catch((error: Error) => expect(error.message).toBe("roll back"));
    expect((failure as Error).message).toMatch(/create index `broken_\w+_nope`.*no such column: nope/s);
    expect(indexesAfter).toEqual([{ name: table }]);
    expect(await schema.raw(`select name from sqlite_master where tbl_name = ?`, [table])).toEqual([]);
    // The session goes on as usual.
    expect(await schema.raw("select 2 as n")).toEqual([{ n: 2 }]);
  });
});

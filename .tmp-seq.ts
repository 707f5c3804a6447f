import knexFactory from "knex";
import Client_Libsql = require("./src/libsql/knex-client");
import { startSqld } from "./scripts/lib/sqld";
async function main() {
  const sqld = await startSqld();
  const knex = knexFactory({ client: Client_Libsql as any, connection: { url: sqld.url("ws"), authToken: sqld.authToken } as any });
  let n = 0; knex.on("query", (q) => { n++; console.log("Q", q.sql.slice(0, 90)); });
  try {
    await knex.transaction(async (trx) => {
      await trx.schema.createTable("a", (t) => { t.increments("id"); t.string("name").index(); t.integer("b_id").index(); });
      await trx.schema.createTable("b", (t) => { t.increments("id"); t.string("x"); });
      await trx.schema.alterTable("a", (t) => { t.foreign("b_id").references("id").inTable("b").onDelete("CASCADE"); });
    });
    console.log("statements", n);
  } finally { await knex.destroy(); await sqld.stop(); }
}
main();

// One Strapi process at a time syncs the schema and writes its first-boot rows. Strapi checks
// for a table, then creates it, with nothing in between to stop another process doing the same:
// two instances started at once on an empty database (a deploy of two replicas on a fresh Turso
// database) fail with "table ... already exists", or both create the default roles. Postgres has
// the same race in Strapi; on SQLite one file has one process.
//
// The lock is a lease in the database itself, so it holds across hosts: a row naming its holder
// and when the lease ends, taken with one atomic upsert, renewed while the holder boots, and
// deleted once Strapi has loaded (its bootstrap functions, which create the default roles, have
// run). A process that dies holding it leaves a lease that ends LEASE_MS later. Times are the
// database's clock, not the processes', which may differ between hosts.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { currentStrapi } from "./strapi-instance";

export const BOOT_LOCK_TABLE = "strapi_libsql_boot_lock";

/** How long a lease lasts unless renewed: the longest a crashed holder keeps others waiting. */
const LEASE_MS = 15_000;
const RENEW_EVERY_MS = 5_000;
const RETRY_EVERY_MS = 250;
/** How often the holder looks whether Strapi has loaded; no statement is sent for it. */
const LOADED_CHECK_MS = 100;

const NOW_MS = "cast((julianday('now') - 2440587.5) * 86400000 as integer)";

/** The knex instance Strapi's Database holds as `connection`. */
interface KnexLike {
  raw(sql: string, bindings?: readonly unknown[]): PromiseLike<unknown>;
}

/** What the lock reads of Strapi: whether its load (register, bootstrap) has finished. */
interface StrapiLike {
  isLoaded?: boolean;
}

/** Lock holders by knex instance: Strapi syncs once per boot, but a second sync must not wait for itself. */
const held = new WeakMap<object, string>();

/**
 * Waits until this process holds the boot lock, then keeps it until Strapi has loaded. Called by
 * Strapi's schema sync (an edit in the bundle), before it reads or creates a table.
 */
export async function holdBootLock(knex: KnexLike, strapi: StrapiLike | undefined = currentStrapi<StrapiLike>()): Promise<void> {
  if (held.has(knex)) return;
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  await knex.raw(`create table if not exists ${BOOT_LOCK_TABLE} (id integer primary key check (id = 1), holder text not null, expires_at integer not null)`);
  let saidWaiting = false;
  for (;;) {
    const current = await tryTake(knex, holder);
    if (current === holder) break;
    if (!saidWaiting) {
      console.error(`libsql: another Strapi process (${current}) is syncing the schema; waiting for it to finish`);
      saidWaiting = true;
    }
    await sleep(RETRY_EVERY_MS + Math.random() * RETRY_EVERY_MS);
  }
  if (saidWaiting) console.error("libsql: the other Strapi process finished; this one goes on");
  held.set(knex, holder);
  keepUntilLoaded(knex, holder, strapi);
}

/** Takes the lease if it is free, ended, or ours already; answers who holds it now. */
async function tryTake(knex: KnexLike, holder: string): Promise<string | undefined> {
  await knex.raw(
    `insert into ${BOOT_LOCK_TABLE} (id, holder, expires_at) values (1, ?, ${NOW_MS} + ?)
     on conflict (id) do update set holder = excluded.holder, expires_at = excluded.expires_at
     where ${BOOT_LOCK_TABLE}.expires_at < ${NOW_MS} or ${BOOT_LOCK_TABLE}.holder = excluded.holder`,
    [holder, LEASE_MS],
  );
  const rows = (await knex.raw(`select holder from ${BOOT_LOCK_TABLE} where id = 1`)) as Array<{ holder: string }>;
  return rows[0]?.holder;
}

function keepUntilLoaded(knex: KnexLike, holder: string, strapi: StrapiLike | undefined): void {
  let sinceRenewal = 0;
  const timer = setInterval(() => {
    sinceRenewal += LOADED_CHECK_MS;
    if (!strapi || strapi.isLoaded) {
      clearInterval(timer);
      // A release that fails (the database is away) leaves the lease to end by itself.
      knex.raw(`delete from ${BOOT_LOCK_TABLE} where id = 1 and holder = ?`, [holder]).then(undefined, () => undefined);
      return;
    }
    if (sinceRenewal < RENEW_EVERY_MS) return;
    sinceRenewal = 0;
    knex.raw(`update ${BOOT_LOCK_TABLE} set expires_at = ${NOW_MS} + ? where id = 1 and holder = ?`, [LEASE_MS, holder]).then(undefined, () => undefined);
  }, LOADED_CHECK_MS);
  // A process that ends while booting leaves the lease to end by itself.
  timer.unref();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What the remote session tests do with their file's sqld (sqldBehindProxy): fresh tables,
// counts, transactions left open, statements cut in flight, pools of sessions.
import { expect } from "vitest";
import { remotePoolState, type RemotePoolState } from "../../src/libsql/remote-pool";
import type { RemoteSession } from "../../src/libsql/remote-session";
import type { SessionOptions, SqldBehindProxy } from "./remote-sessions";
import { roundTripsOf } from "./tcp-proxy";

export type Scheme = "http" | "ws";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sessionTools(sqld: SqldBehindProxy, prefix = "t") {
  let tables = 0;
  /** A fresh table name, so that tests never see each other's rows. */
  const table = () => `${prefix}${++tables}`;
  /** A session to `port` (the server itself unless told), closed after the test. */
  const session = (scheme: Scheme, options: SessionOptions = {}) => sqld.session(scheme, options);
  const viaProxy = (scheme: Scheme) => session(scheme, { port: sqld.proxy.port });
  /** A session of `pool`, through the proxy, closed after the test. */
  const pooled = (scheme: Scheme, pool: RemotePoolState) => session(scheme, { port: sqld.proxy.port, pool });
  /** Round trips `work` makes through the proxy. */
  const roundTrips = (work: () => Promise<unknown>) => roundTripsOf(sqld.proxy, work);

  const count = async (db: RemoteSession, name: string, where = "1"): Promise<bigint> =>
    (await db.execute(`select count(*) from ${name} where ${where}`, [])).rows[0]?.[0] as bigint;

  /** A new table, then BEGIN and one row written in the still-open transaction. */
  const tableInOpenTransaction = async (db: RemoteSession): Promise<string> => {
    const t = table();
    await db.execute(`create table ${t} (x integer)`, []);
    await db.execute("BEGIN;", []);
    await db.execute(`insert into ${t} values (1)`, []);
    return t;
  };

  /** Runs `statement` with its request or its answer held in the proxy, and cuts every connection meanwhile. */
  const cutInFlight = async (statement: Promise<unknown>): Promise<unknown> => {
    await sleep(150);
    expect(sqld.proxy.cutAll()).toBeGreaterThan(0);
    sqld.proxy.setLatency(0);
    return statement.then(
      () => "ok",
      (error: unknown) => error,
    );
  };

  const holdBack = (direction: "toServer" | "toClient"): void => {
    sqld.proxy.setLatency(600, direction);
  };

  /**
   * `db` in a transaction whose COMMIT SQLite will refuse: `child` has a row whose parent does not
   * exist, under a foreign key checked at COMMIT.
   */
  const transactionThatCannotCommit = async (db: RemoteSession) => {
    const [parent, child] = [table(), table()];
    await db.execute("pragma foreign_keys = on", []);
    await db.execute(`create table ${parent} (id integer primary key)`, []);
    await db.execute(`create table ${child} (parent_id integer references ${parent}(id) deferrable initially deferred)`, []);
    await db.execute("BEGIN;", []);
    await db.execute(`insert into ${child} values (42)`, []);
    return { parent, child };
  };

  /** A session of a pool of its own, and a new table `t` with `columns`. */
  const sessionWithTable = async (scheme: Scheme, columns = "x integer") => {
    const db = pooled(scheme, remotePoolState());
    const t = table();
    await db.execute(`create table ${t} (${columns})`, []);
    return { db, t };
  };

  /** Two sessions of one pool; `a` wrote row 1 into table `t` in a transaction it keeps open. */
  const writerAndOther = async (scheme: Scheme) => {
    const pool = remotePoolState();
    const [a, b] = [pooled(scheme, pool), pooled(scheme, pool)];
    const t = table();
    await a.execute(`create table ${t} (x integer)`, []);
    await a.execute("BEGIN;", []);
    await a.execute(`insert into ${t} values (1)`, []);
    return { a, b, t };
  };

  /** `count` sessions of one pool over ws, each with a table of its own, the pool's writer connection open. */
  const writers = async (sessions: number) => {
    const pool = remotePoolState();
    const all = Array.from({ length: sessions }, () => pooled("ws", pool));
    const names = all.map(() => table());
    for (const [index, db] of all.entries()) await db.execute(`create table ${names[index]} (x integer)`, []);
    return { pool, sessions: all, tables: names };
  };

  /** What a session of another pool over ws sees: only what was committed. */
  const committed = async (t: string) => (await pooled("ws", remotePoolState()).execute(`select * from ${t} order by 1`, [])).rows;

  return {
    table, session, viaProxy, pooled, roundTrips, count, tableInOpenTransaction, cutInFlight, holdBack,
    transactionThatCannotCommit, sessionWithTable, writerAndOther, writers, committed,
  };
}

/**
 * Requests reach the server this much later, so that the server cannot answer a request
 * before the next one is sent, unless the client waits for the answer to send it.
 */
export const REQUESTS_HELD_MS = 50;

// A local libSQL file shared with another process, as Strapi on better-sqlite3 shares one.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openFileSession } from "./file-session";
import type { Session } from "./session";

const folders: string[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function fileSession(path: string): Promise<Session> {
  const session = await openFileSession({ kind: "file", path, display: `file:${path}` });
  sessions.push(session);
  return session;
}

/**
 * Another process that takes the file's write lock, says "locked", and lets go after `ms`.
 * Another process, because libsql waits for a lock synchronously: this one could not let go.
 */
function lockInAnotherProcess(path: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require("libsql");
    const db = new Database(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    console.log("locked");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec("COMMIT");
  `;
  const child = spawn(process.execPath, ["-e", script, path, String(ms)], { cwd: __dirname, stdio: ["ignore", "pipe", "inherit"] });
  const released = new Promise<void>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the locking process exited ${code}`)))));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve({ released });
    });
    released.catch(reject);
  });
}

describe("a libSQL file another process is writing", () => {
  it("makes a write wait for the other process's lock, as better-sqlite3 does, instead of failing with SQLITE_BUSY", async () => {
    const folder = mkdtempSync(join(tmpdir(), "file-session-"));
    folders.push(folder);
    const path = join(folder, "data.db");
    const db = await fileSession(path);
    await db.execute("pragma journal_mode = wal", []);
    await db.execute("create table t (x integer)", []);

    // The other process holds the lock for 0.7 s from here; the insert is sent inside that time.
    const other = await lockInAnotherProcess(path, 700);
    await db.execute("insert into t values (1)", []);
    await other.released;
    expect((await db.execute("select x from t", [])).rows).toEqual([[1n]]);
  });
});

describe("a libSQL file", () => {
  it("rolls back a transaction whose COMMIT SQLite refuses, so that the connection's next transaction begins", async () => {
    const folder = mkdtempSync(join(tmpdir(), "file-session-"));
    folders.push(folder);
    const db = await fileSession(join(folder, "data.db"));
    await db.execute("pragma foreign_keys = on", []);
    await db.execute("create table parent (id integer primary key)", []);
    await db.execute("create table child (parent_id integer references parent(id) deferrable initially deferred)", []);
    await db.execute("BEGIN;", []);
    await db.execute("insert into child values (42)", []);
    await expect(db.execute("COMMIT;", [])).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await db.execute("BEGIN;", []);
    await db.execute("insert into parent values (1)", []);
    await db.execute("COMMIT;", []);
    expect((await db.execute("select (select count(*) from parent), (select count(*) from child)", [])).rows).toEqual([[1n, 0n]]);
  });

  it("binds a lone null, which the driver took for an object of named parameters and refused", async () => {
    const folder = mkdtempSync(join(tmpdir(), "file-session-"));
    folders.push(folder);
    const db = await fileSession(join(folder, "data.db"));
    await db.execute("create table t (x text)", []);
    await db.execute("insert into t (x) values (?)", [null]);
    expect((await db.execute("select count(*) from t where x is ?", [null])).rows).toEqual([[1n]]);
  });
});

// The boot lock between two knex pools on one libSQL file, as two Strapi processes would hold it.
// Strapi booting two processes at once on sqld and on replicas is test/concurrent-boot.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import knex, { type Knex } from "knex";
import { afterAll, expect, it } from "vitest";
import { Client_Libsql } from "../../test/helpers/installed-client";
import { BOOT_LOCK_TABLE, holdBootLock } from "./boot-lock";

const dir = mkdtempSync(join(tmpdir(), "boot-lock-"));
const open = () => knex({ client: Client_Libsql, connection: { url: `file:${join(dir, "data.db")}` }, useNullAsDefault: true } as unknown as Knex.Config);
const first = open();
const second = open();
afterAll(async () => {
  await Promise.all([first.destroy(), second.destroy()]);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("makes a second process wait until the first has loaded, then lets it through and leaves no lease behind", async () => {
  const firstStrapi = { isLoaded: false };
  await holdBootLock(first, firstStrapi);

  let secondHolds = false;
  const secondStrapi = { isLoaded: false };
  const waiting = holdBootLock(second, secondStrapi).then(() => (secondHolds = true));
  await sleep(1_000);
  expect(secondHolds, "the second went on while the first was still loading").toBe(false);

  firstStrapi.isLoaded = true;
  await waiting;
  expect(secondHolds).toBe(true);
  secondStrapi.isLoaded = true;
  await sleep(500);
  expect(await first(BOOT_LOCK_TABLE).select("holder")).toEqual([]);
});

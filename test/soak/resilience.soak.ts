// Long idle and sustained load against sqld, over http://, ws:// and libsql://?tls=0: the
// soak versions of test/resilience.test.ts (`pnpm test:soak`, about 11 minutes).
//
// Strapi itself queries the database once, 5 minutes after the first boot (the upload plugin's
// weekly metrics job, scheduled at first boot + 5 min). The 5 min idle starts after that
// job, so that the connections are really idle for 5 minutes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkStored, failures, runLoad, startFleet, whatWentWrong, type Fleet } from "../helpers/fleet";

let fleet: Fleet;
let bootStarted: number;
beforeAll(async () => {
  bootStarted = Date.now();
  fleet = await startFleet(["http", "ws", "libsql"]);
});
afterAll(() => fleet?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function idleThenRequest(label: string, ms: number): Promise<void> {
  for (const node of fleet.nodes) {
    expect((await node.api.post("/api/authors", { data: { name: `before ${label} ${node.transport}` } })).status).toBe(200);
  }
  const idleFrom = Date.now();
  await sleep(ms);
  // Nothing went over any connection meanwhile: the idle was real.
  const busy = fleet.nodes.filter((node) => node.proxy.lastActivity() >= idleFrom).map((node) => node.transport);
  expect(busy).toEqual([]);
  const created = await Promise.all(fleet.nodes.map((node) => node.api.post("/api/authors", { data: { name: `after ${label} ${node.transport}` } })));
  expect(created.map((response) => response.status)).toEqual([200, 200, 200]);
}

describe("long idle and load", () => {
  it("after 60 s idle the next request succeeds on every transport", () => idleThenRequest("60 s", 60_000));

  it("30 s of load at 16 requests in flight per process: no 5xx, every acknowledged create stored once with its author", async () => {
    const result = await runLoad(fleet, { durationMs: 30_000, concurrency: 16, tag: "soak" });
    console.log(`soak load: ${result.requests} requests in 30 s (${Math.round(result.requests / 30)}/s), slowest ${result.slowestMs} ms`);
    expect(failures(result), whatWentWrong(fleet, result)).toEqual({});
    const check = await checkStored(fleet, result, "soak");
    expect(check).toMatchObject({ missing: [], duplicated: [], acknowledgedWithoutAuthor: [], withSeveralAuthors: [], unknown: [], strapiOrphans: [] });
  });

  it("after 5 min idle the next request succeeds on every transport", async () => {
    // Let Strapi's own job (first boot + 5 min) run first, with some margin.
    await sleep(Math.max(0, bootStarted + 5.5 * 60_000 - Date.now()));
    await idleThenRequest("5 min", 300_000);
  });
});

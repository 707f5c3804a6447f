// The retry rule on its own; src/libsql/remote-session.test.ts shows it against sqld with its
// database file locked by another process.
import { describe, expect, it } from "vitest";
import { isBusy, retryWhileBusy } from "./busy-retry";

const busy = () => Object.assign(new Error("SQLite error: database is locked"), { code: "SQLITE_BUSY" });

describe("retryWhileBusy", () => {
  it("sends again while the server answers SQLITE_BUSY, and returns the first answer that is not", async () => {
    let calls = 0;
    const answer = await retryWhileBusy(async () => {
      calls++;
      if (calls < 4) throw busy();
      return "stored";
    }, 5_000);
    expect({ answer, calls }).toEqual({ answer: "stored", calls: 4 });
  });

  it("never sends again after any other error: the statement may have run", async () => {
    let calls = 0;
    const constraint = Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT" });
    await expect(
      retryWhileBusy(async () => {
        calls++;
        throw constraint;
      }, 5_000),
    ).rejects.toBe(constraint);
    expect(calls).toBe(1);
  });

  it("gives up once the budget has passed, with the server's last error, and sends nothing after", async () => {
    let calls = 0;
    await expect(
      retryWhileBusy(async () => {
        calls++;
        throw busy();
      }, 200),
    ).rejects.toSatisfy(isBusy);
    const callsWhenItGaveUp = calls;
    expect(callsWhenItGaveUp).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(callsWhenItGaveUp);
  });
});

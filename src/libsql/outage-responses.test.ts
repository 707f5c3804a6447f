// The middleware's decisions, on the context object it is given. Strapi booted on sqld, with sqld
// stopped under load, is test/outage-responses.test.ts.
import { describe, expect, it } from "vitest";
import { isOutage, noteOutage, outageResponses, READY_PATH } from "./outage-responses";
import { LibsqlConnectionError } from "./remote-errors";

function context(path = "/api/articles", method = "GET") {
  const headers: Record<string, string> = {};
  return { path, method, status: 404, body: undefined as unknown, state: {} as Record<string, unknown>, headers, set: (name: string, value: string) => void (headers[name] = value) };
}

const unavailable = { status: 503, headers: { "Retry-After": "5" }, body: { data: null, error: { status: 503, name: "ServiceUnavailableError" } } };
const ready = () => Promise.resolve();
const notReady = () => Promise.reject(new LibsqlConnectionError("libsql: lost the connection", undefined));

describe("outage responses", () => {
  it("turns whatever a request met by an outage answered (a 401 from users-permissions) into 503 with Retry-After", async () => {
    const ctx = context();
    await outageResponses(ready)(ctx, async () => {
      noteOutage({ requestContext: { get: () => ctx } });
      ctx.status = 401;
    });
    expect(ctx).toMatchObject(unavailable);
  });

  it("answers 503 for an outage error that reaches it unhandled, and lets every other error through", async () => {
    const outage = context();
    await outageResponses(ready)(outage, () => Promise.reject(new LibsqlConnectionError("libsql: lost the connection", undefined)));
    expect(outage).toMatchObject(unavailable);
    await expect(outageResponses(ready)(context(), () => Promise.reject(new Error("SQLITE_CONSTRAINT")))).rejects.toThrow("SQLITE_CONSTRAINT");
  });

  it("leaves a request the database served alone", async () => {
    const ctx = context();
    await outageResponses(ready)(ctx, async () => {
      ctx.status = 401;
    });
    expect(ctx.status).toBe(401);
    expect(ctx.headers).toEqual({});
  });

  it(`answers ${READY_PATH}: 204 when the database answers, 503 with Retry-After when it does not`, async () => {
    const up = context(READY_PATH);
    await outageResponses(ready)(up, () => Promise.reject(new Error("not for Strapi's router")));
    expect(up.status).toBe(204);
    const down = context(READY_PATH);
    await outageResponses(notReady)(down, () => Promise.reject(new Error("not for Strapi's router")));
    expect(down).toMatchObject(unavailable);
  });

  it("knows an outage from a refused statement", () => {
    expect(isOutage(new LibsqlConnectionError("lost", undefined))).toBe(true);
    expect(isOutage(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))).toBe(true);
    expect(isOutage(Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT" }))).toBe(false);
    expect(isOutage("lost")).toBe(false);
  });
});

// What a refused or missing token looks like from a real sqld with JWT auth, in the one line the
// boot prints.
import { afterEach, describe, expect, it } from "vitest";
import { sqldBehindProxy } from "../../test/helpers/remote-sessions";

const sqld = sqldBehindProxy();
const tokenVariable = process.env.TURSO_AUTH_TOKEN;
afterEach(() => {
  if (tokenVariable === undefined) delete process.env.TURSO_AUTH_TOKEN;
  else process.env.TURSO_AUTH_TOKEN = tokenVariable;
});

describe.each(["http", "ws"] as const)("a session over %s that sends no token to a server that wants one", (scheme) => {
  it("says none is set when TURSO_AUTH_TOKEN is empty", async () => {
    process.env.TURSO_AUTH_TOKEN = "";
    const db = sqld.session(scheme, { token: "" });
    // sqld answers a WebSocket without a token either by closing it (then HTTP on the same port is
    // asked: 401) or with AUTH_HEADER_NOT_FOUND.
    await expect(db.execute("select 1", [])).rejects.toThrow(/the server wants an auth token and none is set \((HTTP 401|AUTH_HEADER_NOT_FOUND)\); check TURSO_AUTH_TOKEN/);
  });

  it("says the app's config does not pass TURSO_AUTH_TOKEN on when it is set, and names the key to add", async () => {
    process.env.TURSO_AUTH_TOKEN = sqld.server.authToken;
    const db = sqld.session(scheme, { token: "" });
    const failure = await db.execute("select 1", []).then(
      () => undefined,
      (error: unknown) => (error as { summary?: string }).summary,
    );
    expect(failure).toMatch(
      /^libsql: cannot use \w+:\/\/127\.0\.0\.1:\d+ \(DATABASE_URL \/ connection\.url\): the server wants an auth token and none reaches it \((HTTP 401|AUTH_HEADER_NOT_FOUND)\): TURSO_AUTH_TOKEN is set, but the app's config\/database does not pass it on; add authToken: env\('TURSO_AUTH_TOKEN'\) to the libsql connection$/,
    );
    expect(failure).not.toContain(sqld.server.authToken);
  });
});

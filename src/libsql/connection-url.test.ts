import { describe, expect, it } from "vitest";
import { parseConnectionSettings, primaryOf } from "./connection-url";

describe("parseConnectionSettings", () => {
  it.each([
    ["libsql://db-org.turso.io", "http", "https://db-org.turso.io"],
    ["https://db-org.turso.io", "http", "https://db-org.turso.io"],
    ["wss://db-org.turso.io", "ws", "wss://db-org.turso.io"],
    ["http://127.0.0.1:8080", "http", "http://127.0.0.1:8080"],
    ["ws://127.0.0.1:8080", "ws", "ws://127.0.0.1:8080"],
    ["libsql://127.0.0.1:8080?tls=0", "http", "http://127.0.0.1:8080"],
  ])("reads %s as Hrana over %s at %s", (url, transport, endpoint) => {
    expect(parseConnectionSettings({ url })).toMatchObject({ kind: "remote", transport, endpoint });
  });

  it("reads file: URLs, relative and absolute, as local files", () => {
    expect(parseConnectionSettings({ url: "file:.tmp/data.db" })).toMatchObject({ kind: "file", path: ".tmp/data.db" });
    expect(parseConnectionSettings({ url: "file:///var/data/app.db" })).toMatchObject({ kind: "file", path: "/var/data/app.db" });
  });

  it("accepts the seed recipe's knex `filename` with the token in the URL, and never displays the token", () => {
    const target = parseConnectionSettings({ filename: "wss://db.turso.io?authToken=SECRET" });
    expect(target).toMatchObject({ kind: "remote", authToken: "SECRET", endpoint: "wss://db.turso.io" });
    expect(target.display).not.toContain("SECRET");
  });

  it("takes the token from authToken, and accepts the same token in both places", () => {
    expect(parseConnectionSettings({ url: "ws://h:1", authToken: "T" })).toMatchObject({ authToken: "T" });
    expect(parseConnectionSettings({ url: "ws://h:1?authToken=T", authToken: "T" })).toMatchObject({ authToken: "T" });
  });

  it.each([
    [{ url: "" }, /connection\.url is empty; set DATABASE_URL/],
    [{ url: "postgres://h/db" }, /unknown scheme "postgres:"/],
    [{ url: "libsql://h?authtoken=x" }, /unknown query parameter "authtoken"/],
    [{ url: "libsql://h?tls=yes" }, /tls=yes; write tls=0/],
    [{ url: "not a url" }, /is not a URL/],
    [{ url: "ws://h?authToken=A", authToken: "B" }, /two different auth tokens/],
  ])("rejects %j with a message naming the setting", (settings, message) => {
    expect(() => parseConnectionSettings(settings)).toThrow(message);
  });

  it("keeps a token out of the error for a URL that does not parse", () => {
    expect(() => parseConnectionSettings({ url: "libsql//host?authToken=SECRET" })).toThrow(/authToken=<redacted>/);
  });

  it("makes an embedded replica from a file URL and a sync URL, syncing over HTTP, with the interval", () => {
    expect(parseConnectionSettings({ url: "file:.tmp/r.db", syncUrl: "libsql://db.turso.io", authToken: "T", syncInterval: "5" })).toEqual({
      kind: "file",
      path: ".tmp/r.db",
      display: "file:.tmp/r.db",
      replicaOf: { endpoint: "https://db.turso.io", transport: "http", authToken: "T", syncIntervalSeconds: 5, display: "libsql://db.turso.io" },
    });
    expect(parseConnectionSettings({ url: "file:r.db", syncUrl: "wss://db.turso.io" })).toMatchObject({
      replicaOf: { endpoint: "https://db.turso.io", transport: "ws", syncIntervalSeconds: 60 },
    });
  });

  it("sends a replica's writes to its primary over what the sync URL names, with the token, never displaying it, naming TURSO_SYNC_URL in errors", () => {
    const target = parseConnectionSettings({ url: "file:r.db", syncUrl: "wss://db.turso.io?authToken=SECRET" });
    if (target.kind !== "file" || !target.replicaOf) throw new Error("expected a replica");
    const primary = primaryOf(target.replicaOf);
    expect(primary).toEqual({
      kind: "remote",
      transport: "ws",
      endpoint: "wss://db.turso.io",
      authToken: "SECRET",
      display: "wss://db.turso.io",
      // Its connection errors tell the user to check the sync URL, not DATABASE_URL.
      setting: "TURSO_SYNC_URL / connection.syncUrl",
    });
    const overHttp = parseConnectionSettings({ url: "file:r.db", syncUrl: "libsql://db.turso.io" });
    if (overHttp.kind !== "file" || !overHttp.replicaOf) throw new Error("expected a replica");
    expect(primaryOf(overHttp.replicaOf)).toMatchObject({ transport: "http", endpoint: "https://db.turso.io" });
  });

  it.each([
    [{ url: "libsql://db.turso.io", syncUrl: "libsql://db.turso.io" }, /must be a local file: URL/],
    [{ url: "file:r.db", syncUrl: "nope" }, /connection\.syncUrl \(TURSO_SYNC_URL\) "nope" is not a URL/],
    [{ url: "file:r.db", syncUrl: "libsql://h", syncInterval: "-1" }, /TURSO_SYNC_INTERVAL\) is -1/],
  ])("rejects the replica settings %j", (settings, message) => {
    expect(() => parseConnectionSettings(settings)).toThrow(message);
  });
});

import { parseConnectionSettings } from "../../src/libsql/connection-url";
import { RemoteSession } from "../../src/libsql/remote-session";
import type { SqldServer } from "../../scripts/lib/sqld";

export { startSqld, type SqldServer } from "../../scripts/lib/sqld";

/** SQL on the server from outside Strapi, over HTTP: what a test reads back to compare with what Strapi answered. */
export interface SqlOnServer {
  sql(text: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

export function sqlOn(server: SqldServer): SqlOnServer {
  const target = parseConnectionSettings({ url: server.url("http"), authToken: server.authToken });
  if (target.kind !== "remote") throw new Error("expected a remote target");
  const session = new RemoteSession(target);
  return { sql: async (text) => (await session.execute(text, [])).rows, close: () => session.close() };
}

// The connection settings of each kind of libSQL database the installed knex client serves
// (installed-client.ts): a file, a server over ws:// and http://, and an embedded replica of
// that server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startSqld, type SqldServer } from "./sqld";

export const TARGET_NAMES = ["file", "ws", "http", "embedded replica"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface LibsqlTargets {
  /** `knex({ client, connection })`'s connection for `target`; a file's name is made of `label`. */
  connection(target: TargetName, label: string): Record<string, unknown>;
}

/** Registers the file's hooks: one sqld for the servers and the replicas' primary, and a folder for files, both gone at the end. */
export function libsqlTargets(prefix: string): LibsqlTargets {
  let server: SqldServer | undefined;
  const scratch = mkdtempSync(join(tmpdir(), `${prefix}-`));
  beforeAll(async () => {
    server = await startSqld();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  return {
    connection(target, label) {
      if (server === undefined) throw new Error("sqld did not start: see the error of beforeAll");
      switch (target) {
        case "file":
          return { url: `file:${join(scratch, `${label}.db`)}` };
        case "ws":
        case "http":
          return { url: server.url(target), authToken: server.authToken };
        case "embedded replica":
          return { url: `file:${join(scratch, `${label}-replica.db`)}`, syncUrl: server.url("http"), authToken: server.authToken, syncInterval: 0 };
      }
    },
  };
}

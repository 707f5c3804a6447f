// `tsx scripts/db-local.ts [--port N]`: a local libSQL server (sqld) for development, with auth
// like Turso's. Prints the .env lines that point the app at it and runs until Ctrl-C.
// Data and the JWT key pair live in .tmp/sqld, so restarts keep both the data and old tokens.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isPortFree, sqldVersion, startSqld } from "./lib/sqld";

const DATA_DIR = ".tmp/sqld";
const DEFAULT_PORT = 8080;

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${source}: not a TCP port: ${value}`);
  return port;
}

/** --port, else SQLD_PORT, else 8080 when free; undefined lets startSqld pick a free one. */
async function choosePort(): Promise<number | undefined> {
  const { values } = parseArgs({ options: { port: { type: "string" } } });
  if (values.port !== undefined) return parsePort(values.port, "--port");
  if (process.env.SQLD_PORT) return parsePort(process.env.SQLD_PORT, "SQLD_PORT");
  return (await isPortFree(DEFAULT_PORT)) ? DEFAULT_PORT : undefined;
}

async function main(): Promise<void> {
  const server = await startSqld({ dataDir: join(__dirname, "..", DATA_DIR), port: await choosePort() });
  console.log(`sqld ${sqldVersion()} listening on ${server.host}:${server.port} (data: ${DATA_DIR})`);
  console.log(`DATABASE_URL=${server.url("libsql")}`);
  console.log(`TURSO_AUTH_TOKEN=${server.authToken}`);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void server.stop().then(() => process.exit(0)));
  }
  // The running sqld is what keeps this process alive; reaching here means it died on its own.
  process.once("beforeExit", () => {
    console.error("sqld exited unexpectedly");
    process.exitCode = 1;
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

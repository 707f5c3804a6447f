// A throwaway Postgres (Debian's `postgresql` package) on 127.0.0.1 for the benchmark's
// comparison targets: a fresh cluster in a tmp dir, deleted at stop.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { installDebianPackageAsRoot } from "./debian-package";
import { freePort } from "./sqld";
// SIGTERM is Postgres's "smart" shutdown, which waits for sessions: by stop() the proxy has cut them.
import { stopProcess } from "./strapi-process";

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  database: string;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const USER = "postgres";
const READY_TIMEOUT_MS = 30_000;
const PACKAGE_ROOT = "/usr/lib/postgresql";

/** The newest installed version's bin dir, e.g. /usr/lib/postgresql/15/bin; undefined when none is. */
function binDir(): string | undefined {
  if (!existsSync(PACKAGE_ROOT)) return undefined;
  const versions = readdirSync(PACKAGE_ROOT)
    .filter((name) => existsSync(join(PACKAGE_ROOT, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(PACKAGE_ROOT, versions[0], "bin");
}

const isRoot = () => process.getuid?.() === 0;

let installTried = false;

/** Without Postgres, the Postgres targets fail with one line saying what to install. Tried once per run. */
async function ensureBinaries(): Promise<string> {
  const found = binDir();
  if (found) return found;
  if (!installTried) {
    installTried = true;
    // A failure is reported below as "not installed", which is what the reader needs to act on.
    await installDebianPackageAsRoot("postgresql", (line) => console.log(`bench: ${line}`)).catch(() => false);
    const installed = binDir();
    if (installed) return installed;
  }
  throw new Error(`Postgres is not installed (no ${PACKAGE_ROOT}/*/bin/initdb): run \`apt-get install -y postgresql\` as root`);
}

/** initdb and postgres refuse to run as root; as root they run as Debian's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const line = execFileSync("getent", ["passwd", USER], { encoding: "utf8" }).trim();
  const [, , uid, gid] = line.split(":");
  if (uid === undefined || gid === undefined) throw new Error(`no \`${USER}\` system user to run Postgres as (getent passwd ${USER}: ${line})`);
  return { uid: Number(uid), gid: Number(gid) };
}

const liveChildren = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/** pg_isready exits 0 once the server accepts connections (pg ships no type declarations here). */
const accepting = (bin: string, port: number) =>
  new Promise<boolean>((resolve) => execFile(join(bin, "pg_isready"), ["-q", "-h", HOST, "-p", String(port), "-U", USER], (error) => resolve(!error)));

async function waitReady(bin: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}:\n${output()}`);
    if (await accepting(bin, port)) return;
    await sleep(100);
  }
  throw new Error(`postgres did not accept connections within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

/** A new cluster with trust auth for `postgres` on 127.0.0.1 only; the socket file stays in the tmp dir. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await ensureBinaries();
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), "bench-postgres-"));
  const dataDir = join(dir, "data");
  let child: ChildProcess | undefined;
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const asOwner = { ...(owner ?? {}), env: { ...process.env, LC_ALL: "C.UTF-8" } };
    execFileSync(join(bin, "initdb"), ["-D", dataDir, "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"], { ...asOwner, stdio: "pipe" });
    const port = await freePort();
    const args = ["-D", dataDir, "-p", String(port), "-c", `listen_addresses=${HOST}`, "-c", `unix_socket_directories=${dir}`];
    const started = spawn(join(bin, "postgres"), args, { ...asOwner, stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    liveChildren.add(started);
    started.once("exit", () => liveChildren.delete(started));
    let output = "";
    started.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitReady(bin, port, started, () => output.slice(-3000));
    let stopping: Promise<void> | undefined;
    return {
      host: HOST,
      port,
      user: USER,
      database: USER,
      stop: () => (stopping ??= stopProcess(started).then(() => rmSync(dir, { recursive: true, force: true }))),
    };
  } catch (error) {
    if (child) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw stderr ? new Error(`initdb failed (as ${owner ? USER : userInfo().username}): ${stderr}`) : error;
  }
}

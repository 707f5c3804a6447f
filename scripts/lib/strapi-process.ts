// Boots this repo's Strapi app as a user would (`strapi start` on the compiled server),
// in its own process, on a random port, with the database settings the test gives.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { freePort } from "./sqld";

export const APP_DIR = join(__dirname, "..", "..");

export interface StrapiProcess {
  baseUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface StrapiOptions {
  /** Database settings, e.g. { DATABASE_URL: "file:/tmp/x/data.db" }. */
  env: Record<string, string>;
  /** Another Strapi app than this repo's (its dependencies installed, its server compiled). */
  appDir?: string;
  /**
   * The app's .env decides the database settings, as for a user: the test's environment leaves
   * them out instead of setting them empty.
   */
  dotEnv?: boolean;
  readyTimeoutMs?: number;
}

/**
 * Settings a developer's .env could hold that must not leak into a test's Strapi: set empty,
 * which Strapi's dotenv leaves alone, except where an app of Strapi's own template would read
 * "" as a broken value (env.int gives NaN); that one is set to the template's default.
 */
const NEUTRAL_VALUES: Record<string, string> = { DATABASE_CONNECTION_TIMEOUT: "60000" };
export const DATABASE_VARIABLES = [
  "DATABASE_CLIENT",
  "DATABASE_URL",
  "TURSO_DATABASE_URL",
  "TURSO_AUTH_TOKEN",
  "TURSO_SYNC_URL",
  "TURSO_SYNC_INTERVAL",
  "DATABASE_HOLD_UNREAD_WRITES",
  "DATABASE_CONNECTION_TIMEOUT",
  "DATABASE_CONNECT_TIMEOUT",
  "DATABASE_STATEMENT_TIMEOUT",
  "DATABASE_FILENAME",
  "DATABASE_HOST",
  "DATABASE_PORT",
  "DATABASE_NAME",
  "DATABASE_USERNAME",
  "DATABASE_PASSWORD",
  "DATABASE_SCHEMA",
  "DATABASE_SSL",
];

const secret = () => randomBytes(16).toString("base64");

/** `strapi <args>` (start, export, import, ...) in the app folder, with fresh secrets and `extraEnv`. */
function spawnStrapi(args: string[], extraEnv: Record<string, string>, appDir = APP_DIR, dotEnv = false): { child: ChildProcess; output: () => string } {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(dotEnv && DATABASE_VARIABLES.includes(name))));
  const env: Record<string, string> = {
    ...(inherited as Record<string, string>),
    ...(dotEnv ? {} : Object.fromEntries(DATABASE_VARIABLES.map((name) => [name, NEUTRAL_VALUES[name] ?? ""]))),
    HOST: "127.0.0.1",
    APP_KEYS: `${secret()},${secret()}`,
    API_TOKEN_SALT: secret(),
    ADMIN_JWT_SECRET: secret(),
    TRANSFER_TOKEN_SALT: secret(),
    JWT_SECRET: secret(),
    STRAPI_TELEMETRY_DISABLED: "true",
    STRAPI_DISABLE_UPDATE_NOTIFICATION: "true",
    BROWSER: "none",
    ...extraEnv,
  };
  const bin = join(appDir, "node_modules", "@strapi", "strapi", "bin", "strapi.js");
  const child = spawn(process.execPath, [bin, ...args], { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

export async function startStrapi(options: StrapiOptions): Promise<StrapiProcess> {
  const port = await freePort();
  const { child, output } = spawnStrapi(["start"], { PORT: String(port), ...options.env }, options.appDir, options.dotEnv);
  const baseUrl = `http://127.0.0.1:${port}`;
  const strapi: StrapiProcess = { baseUrl, output, stop: () => stopProcess(child) };
  try {
    await waitForHealth(baseUrl, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await strapi.stop();
    throw new Error(`${(error as Error).message}\n--- strapi output ---\n${output().slice(-4000)}`);
  }
  return strapi;
}

async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`strapi exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${baseUrl}/_health`);
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`strapi did not answer /_health within ${timeoutMs} ms`);
}

/** Waits for a process to exit; SIGTERM first, SIGKILL when it lingers. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export interface StrapiExit {
  code: number | null;
  output: string;
  elapsedMs: number;
}

/** Starts Strapi expecting it to fail at boot; kills it after `timeoutMs` if it does not exit. */
export async function bootExpectingExit(env: Record<string, string>, timeoutMs: number): Promise<StrapiExit> {
  return runStrapiCommand(["start"], { PORT: String(await freePort()), ...env }, timeoutMs);
}

/** Runs a Strapi CLI command to its end (`strapi export`, `strapi import`); killed after `timeoutMs`. */
export async function runStrapiCommand(args: string[], env: Record<string, string>, timeoutMs: number): Promise<StrapiExit> {
  const started = Date.now();
  const { child, output } = spawnStrapi(args, env);
  const code = await new Promise<number | null>((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (exitCode) => {
      clearTimeout(killer);
      resolve(exitCode);
    });
  });
  return { code, output: output(), elapsedMs: Date.now() - started };
}

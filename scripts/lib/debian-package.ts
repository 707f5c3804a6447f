// Debian packages the repo's own commands need (Chromium for the admin test, Postgres for the
// benchmark): on a fresh machine run as root (CI, a container) they are one apt-get away, so
// the command installs them itself; elsewhere the caller says what to install.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Installs `name` with apt-get when this process is root on a Debian machine; returns whether
 * it tried. Async: a test worker blocked for minutes misses vitest's own calls, which time out.
 */
export async function installDebianPackageAsRoot(name: string, log: (line: string) => void): Promise<boolean> {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return false;
  log(`installing Debian's ${name} (apt-get install -y ${name})`);
  const options = { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, maxBuffer: 64 * 1024 * 1024 };
  await run("apt-get", ["update", "-qq"], options);
  await run("apt-get", ["install", "-y", "-qq", name], options);
  return true;
}

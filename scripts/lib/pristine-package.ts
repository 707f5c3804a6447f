// The pristine @strapi/database tarball, fetched from the registry and checked against the
// integrity pnpm recorded in the lockfile: the patch is made from exactly what users install,
// never from a node_modules copy that may already carry the patch.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

export interface PackageId {
  name: string;
  version: string;
}

export function lockfileIntegrity(lockfileText: string, pkg: PackageId): string {
  // The same key also heads the package's entry under patchedDependencies; only the one
  // under packages: carries the resolution.
  const packagesAt = lockfileText.indexOf("\npackages:\n");
  const start = packagesAt === -1 ? -1 : lockfileText.indexOf(`\n  '${pkg.name}@${pkg.version}':\n`, packagesAt);
  const match = start === -1 ? null : /resolution: \{integrity: (sha512-[A-Za-z0-9+/=]+)\}/.exec(lockfileText.slice(start, start + 2000));
  if (!match?.[1]) {
    throw new Error(`pnpm-lock.yaml has no integrity for ${pkg.name}@${pkg.version}; run pnpm install first`);
  }
  return match[1];
}

/** The npm registry this machine is set to (npm passes its config to scripts), with a trailing slash. */
export function registryBase(registry = process.env.npm_config_registry ?? "https://registry.npmjs.org/"): string {
  return registry.endsWith("/") ? registry : `${registry}/`;
}

export function tarballUrl(pkg: PackageId, base = registryBase()): string {
  const bareName = pkg.name.split("/").pop();
  return `${base}${pkg.name}/-/${bareName}-${pkg.version}.tgz`;
}

export function checkIntegrity(tarball: Buffer, integrity: string): boolean {
  const [algorithm, expected] = integrity.split(/-(.*)/s);
  return createHash(algorithm ?? "sha512").update(tarball).digest("base64") === expected;
}

/** The integrity the registry publishes, for versions this app's lockfile does not hold. */
export async function registryIntegrity(pkg: PackageId, base = registryBase()): Promise<string> {
  const response = await fetch(`${base}${pkg.name}/${pkg.version}`);
  if (!response.ok) throw new Error(`the registry has no ${pkg.name}@${pkg.version} (HTTP ${response.status})`);
  const { dist } = (await response.json()) as { dist: { integrity: string } };
  return dist.integrity;
}

/**
 * Downloads once per machine: the tarball is cached under node_modules/.cache, keyed by its
 * integrity, which comes from the lockfile unless given.
 */
export async function fetchPristineTarball(root: string, pkg: PackageId, knownIntegrity?: string): Promise<Buffer> {
  const integrity = knownIntegrity ?? lockfileIntegrity(readFileSync(join(root, "pnpm-lock.yaml"), "utf8"), pkg);
  const cacheDir = join(root, "node_modules", ".cache", "strapi-libsql");
  const cached = join(cacheDir, `${createHash("sha256").update(integrity).digest("hex").slice(0, 16)}.tgz`);
  if (existsSync(cached)) {
    const tarball = readFileSync(cached);
    if (checkIntegrity(tarball, integrity)) return tarball;
  }
  const url = tarballUrl(pkg);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const tarball = Buffer.from(await response.arrayBuffer());
  if (!checkIntegrity(tarball, integrity)) {
    throw new Error(`${url} does not match the integrity in pnpm-lock.yaml (${integrity})`);
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, tarball);
  return tarball;
}

/** Reads one file out of an npm tarball (gzip'd ustar, every entry under "package/"). */
export function readFileFromTarball(tarball: Buffer, path: string): string {
  const tar = gunzipSync(tarball);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    if (name === "") break;
    const prefix = header.toString("utf8", 345, 500).replace(/\0.*$/s, "");
    const size = parseInt(header.toString("utf8", 124, 136).replace(/\0.*$/s, "").trim() || "0", 8);
    const fullName = prefix ? `${prefix}/${name}` : name;
    if (fullName === `package/${path}`) {
      return tar.toString("utf8", offset + 512, offset + 512 + size);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`the tarball has no package/${path}`);
}

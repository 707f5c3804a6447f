// The pristine @strapi/database bundle, for tests that apply the edits to the real thing.
import { join } from "node:path";
import { PATCHED_PACKAGE } from "../../src/patch/bundle-edits";
import { fetchPristineTarball, readFileFromTarball } from "./pristine-package";

export const ROOT = join(__dirname, "..", "..");

export async function pristineTarball(): Promise<Buffer> {
  return fetchPristineTarball(ROOT, PATCHED_PACKAGE);
}

export async function pristineBundle(): Promise<string> {
  return readFileFromTarball(await pristineTarball(), PATCHED_PACKAGE.bundle);
}

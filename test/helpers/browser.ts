// Headless Chromium for the admin end-to-end test: Debian's `chromium` package, driven by
// playwright-core (which downloads no browser of its own).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { installDebianPackageAsRoot } from "../../scripts/lib/debian-package";
import { APP_DIR } from "./strapi";

/** Debian's package; CHROMIUM_PATH points elsewhere (e.g. /usr/bin/google-chrome). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps calling Google services, which a
// closed network answers with a flood of failures.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The README's test command is all a fresh machine runs: as root (CI, a container), the
 * test installs Debian's Chromium itself; elsewhere it says what to install.
 */
async function installChromiumIfPossible(): Promise<void> {
  if (existsSync(CHROMIUM_PATH) || process.env.CHROMIUM_PATH) return;
  await installDebianPackageAsRoot("chromium", (line) => console.log(`admin e2e: ${line}`));
}

export async function launchChromium(): Promise<Browser> {
  await installChromiumIfPossible();
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `the admin end-to-end test needs Chromium at ${CHROMIUM_PATH}, and there is none. ` +
        "Install Debian's package as root: `apt-get update && apt-get install -y chromium` " +
        "(.ci/run does this), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Saves numbered full-page screenshots under test-results/<folder>/ (gitignored). */
export function screenshotter(folder: string): (page: Page, name: string) => Promise<string> {
  const dir = join(APP_DIR, "test-results", folder);
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return async (page, name) => {
    const file = join(dir, `${String(++count).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

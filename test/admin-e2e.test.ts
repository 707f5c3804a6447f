// The admin panel on libSQL, driven in headless Chromium as a user drives it: register the
// first admin, log in from a new browser session, create an author and an article with that
// author (relation) and an uploaded cover image (media), see the article in the list, edit it,
// find it with the list's search (`_q`), delete it. Once on a libSQL file, once on sqld (Hrana over HTTP, JWT
// auth as on Turso). On sqld, the server then stops while the admin edits an author: saving says the
// database is unavailable instead of logging out, and the same save works once it is back. Screenshots of the key screens go to test-results/admin-e2e/<target>/.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_BUILD_DIR } from "../scripts/lib/admin-build";
import { launchChromium, screenshotter } from "./helpers/browser";
import { solidPng } from "./helpers/png";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { APP_DIR, startStrapi } from "./helpers/strapi";

// Generous: two cores run this next to another suite, and the admin's first screens load
// several megabytes of JavaScript.
const STEP_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 300_000;

const ADMIN = { firstname: "Ada", lastname: "Admin", email: "ada.e2e@example.com", password: "E2e-Pass1234" };
const AUTHOR = "Grace Hopper";
const RENAMED_AUTHOR = "Grace Brewster Hopper";
const TITLE = "Hello libSQL from the admin";
const EDITED_TITLE = "Hello libSQL, edited in the admin";
const OTHER_TITLE = "Unrelated note";
const COVER = { name: "cover-e2e.png", width: 64, height: 48 };

const cleanups: Array<() => Promise<void> | void> = [];
let browser: Browser;

// The Media Library writes into the app's public/uploads: remove what this suite added.
const uploadsDir = join(APP_DIR, "public", "uploads");
const uploadsBefore = new Set(existsSync(uploadsDir) ? readdirSync(uploadsDir) : []);

beforeAll(async () => {
  if (!existsSync(join(APP_DIR, ADMIN_BUILD_DIR, "index.html"))) {
    throw new Error(`no admin build in ${ADMIN_BUILD_DIR}: test/global-setup.ts builds it (or run \`pnpm build\`)`);
  }
  browser = await launchChromium();
  cleanups.push(() => browser.close());
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const file of existsSync(uploadsDir) ? readdirSync(uploadsDir) : []) {
    if (!uploadsBefore.has(file)) rmSync(join(uploadsDir, file), { force: true });
  }
});

interface Target {
  name: string;
  slug: string;
  env(): Promise<Record<string, string>>;
  /** The database server, when there is one to stop. */
  server?: SqldServer;
}

const targets: Target[] = [
  {
    name: "a libSQL file",
    slug: "libsql-file",
    env: async () => {
      const dir = mkdtempSync(join(tmpdir(), "admin-e2e-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return { DATABASE_URL: `file:${join(dir, "data.db")}` };
    },
  },
  {
    name: "sqld over http://",
    slug: "sqld-http",
    async env() {
      const server = await startSqld();
      this.server = server;
      cleanups.push(() => server.stop());
      return { DATABASE_URL: server.url("http"), TURSO_AUTH_TOKEN: server.authToken };
    },
  },
];

describe.each(targets)("the admin panel on $name", (target) => {
  it(
    "registers the first admin, logs in, and creates, lists, edits, searches and deletes an article with an author and a cover",
    async () => {
      const started = Date.now();
      const strapi = await startStrapi({ env: { ...(await target.env()), SERVE_ADMIN_PANEL: "true" } });
      cleanups.push(() => strapi.stop());

      // What a user would notice as broken: a crash in the page or a server error.
      const problems: string[] = [];
      // The 503s the outage step expects, kept apart from the problems.
      let duringOutage = false;
      const outageAnswers: string[] = [];
      const shot = screenshotter(join("admin-e2e", target.slug));
      let page: Page | undefined;
      const freshSession = async (): Promise<Page> => {
        await page?.context().close();
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        cleanups.push(() => context.close());
        page = await context.newPage();
        page.setDefaultTimeout(STEP_TIMEOUT_MS);
        page.setDefaultNavigationTimeout(60_000);
        page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
        page.on("response", (response) => {
          if (duringOutage && response.status() === 503) outageAnswers.push(`${response.request().method()} ${new URL(response.url()).pathname}`);
          else if (response.status() >= 500) problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
        });
        return page;
      };

      try {
        await runAdminScenario(freshSession, strapi.baseUrl, shot);
        const server = target.server;
        if (server && page) {
          const current = page;
          await openCollection(current, "Author", 1);
          await current.getByRole("row").filter({ hasText: AUTHOR }).getByRole("link", { name: /^Edit item line/ }).click();
          await current.getByRole("heading", { level: 1, name: AUTHOR }).waitFor();
          // From before the stop: a request of the page's the stop cuts short answers 503 too.
          duringOutage = true;
          await server.restart(0, () => adminDuringOutage(current, shot));
          await adminAfterOutage(current, shot);
          duringOutage = false;
          expect(outageAnswers.length, "the panel's requests answered 503 while the database was down").toBeGreaterThan(0);
        }
      } catch (error) {
        if (page) await shot(page, "failure").catch(() => undefined);
        throw new Error(
          `${(error as Error).message}\n--- at ${page?.url()}; problems seen ---\n${problems.join("\n")}\n` +
            `--- strapi output ---\n${strapi.output().slice(-3000)}`,
        );
      }
      expect(problems).toEqual([]);
      console.log(`admin e2e on ${target.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
    TEST_TIMEOUT_MS,
  );
});

type Shot = (page: Page, name: string) => Promise<string>;

async function runAdminScenario(freshSession: () => Promise<Page>, baseUrl: string, shot: Shot): Promise<void> {
  // A fresh database: /admin sends the visitor to the first admin's registration.
  let page = await freshSession();
  await page.goto(`${baseUrl}/admin`);
  await page.waitForURL(/\/admin\/auth\/register-admin/);
  await page.getByRole("textbox", { name: "First name" }).fill(ADMIN.firstname);
  await page.getByRole("textbox", { name: "Last name" }).fill(ADMIN.lastname);
  await page.getByRole("textbox", { name: "Email" }).fill(ADMIN.email);
  await page.getByRole("textbox", { name: "Password *", exact: true }).fill(ADMIN.password);
  await page.getByRole("textbox", { name: "Confirm Password" }).fill(ADMIN.password);
  await shot(page, "register-admin");
  await page.getByRole("button", { name: "Let's start" }).click();
  await loggedInHome(page);

  // Coming back later, in a new browser session: the server now has an admin, so /admin asks
  // for a login. (Logging out in the same page would show the registration form again: the
  // admin app keeps its start-up "no admin yet" answer until a reload, libSQL or not.)
  page = await freshSession();
  const main = page.getByRole("main");
  await page.goto(`${baseUrl}/admin`);
  await page.waitForURL(/\/admin\/auth\/login/);
  await page.getByRole("textbox", { name: "Email" }).fill(ADMIN.email);
  await page.getByRole("textbox", { name: "Password" }).fill(ADMIN.password);
  await shot(page, "login");
  await page.getByRole("button", { name: "Login" }).click();
  await loggedInHome(page);
  await shot(page, "home");

  // An author, the target of the article's relation.
  await openCollection(page, "Author", 0);
  await createEntry(page, async () => {
    await page.getByRole("textbox", { name: "name" }).fill(AUTHOR);
  }, AUTHOR);

  // Another article, so that the search below has something to leave out.
  await openCollection(page, "Article", 0);
  await createEntry(page, async () => {
    await page.getByRole("textbox", { name: "title" }).fill(OTHER_TITLE);
  }, OTHER_TITLE);

  // The article: text fields, the author (relation) and a cover uploaded from "the computer".
  await openCollection(page, "Article", 1);
  await createEntry(page, async () => {
    await page.getByRole("textbox", { name: "title" }).fill(TITLE);
    await page.getByRole("textbox", { name: "body" }).fill("Written through Strapi's admin panel, stored in libSQL.");
    await page.getByRole("textbox", { name: "views" }).fill("7");
    await page.getByRole("combobox", { name: "author" }).click();
    await page.getByRole("option", { name: AUTHOR }).click();
    await visible(main.getByRole("link", { name: AUTHOR }));

    await page.getByRole("button", { name: /Click to add an asset/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Add more assets" }).click();
    await dialog.getByRole("tab", { name: "From computer" }).waitFor();
    await dialog
      .locator('input[type="file"]')
      .setInputFiles({ name: COVER.name, mimeType: "image/png", buffer: solidPng(COVER.width, COVER.height, [73, 69, 255]) });
    await dialog.getByRole("button", { name: "Upload 1 asset to the library" }).click();
    // Back in the asset picker, the uploaded image is selected; the server read its size.
    await visible(dialog.getByRole("checkbox", { name: COVER.name, checked: true }));
    await visible(dialog.getByText(`${COVER.width}✕${COVER.height}`));
    await shot(page, "cover-uploaded");
    await dialog.getByRole("button", { name: "Finish" }).click();
    await dialog.waitFor({ state: "hidden" });
    await visible(page.getByRole("region", { name: "cover" }).getByRole("img", { name: COVER.name }));
  }, TITLE);
  await shot(page, "article-created");

  // What was saved, read back: a reload shows the relation and the cover, and the cover's
  // file is served (the browser decoded it at its real size).
  await page.reload();
  await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  await visible(main.getByRole("link", { name: AUTHOR }));
  const cover = page.getByRole("region", { name: "cover" }).getByRole("img", { name: COVER.name });
  await visible(cover);
  // (The tests compile without DOM types: an <img> is described by the two fields read.)
  type Img = { complete: boolean; naturalWidth: number };
  await page.waitForFunction((img) => (img as Img).complete && (img as Img).naturalWidth > 0, await cover.elementHandle());
  expect(await cover.evaluate((img) => (img as unknown as Img).naturalWidth)).toBe(COVER.width);

  // The list view.
  await openCollection(page, "Article", 2);
  const row = (title: string) => page.getByRole("row").filter({ has: page.getByRole("gridcell", { name: title, exact: true }) });
  await visible(row(TITLE));
  await visible(row(OTHER_TITLE));
  await visible(row(TITLE).getByRole("gridcell", { name: "7", exact: true }));
  await shot(page, "list");

  // Edit from the list.
  await row(TITLE).getByRole("link", { name: /^Edit item line/ }).click();
  await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  await page.getByRole("textbox", { name: "title" }).fill(EDITED_TITLE);
  await page.getByRole("textbox", { name: "views" }).fill("8");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { level: 1, name: EDITED_TITLE }).waitFor();
  await page.getByRole("button", { name: "Save", disabled: true }).waitFor();
  await shot(page, "edited");
  await openCollection(page, "Article", 2);
  await visible(row(EDITED_TITLE).getByRole("gridcell", { name: "8", exact: true }));
  expect(await row(TITLE).count()).toBe(0);

  // Search (the list's `_q`): only the edited article matches.
  await main.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("textbox", { name: "Search for Article" }).fill("edited");
  await page.keyboard.press("Enter");
  await page.waitForURL(/[?&]_q=edited/);
  await entriesFound(page, 1);
  await visible(row(EDITED_TITLE));
  expect(await row(OTHER_TITLE).count()).toBe(0);
  await shot(page, "search");

  // Delete it from the search results, then the list without the search.
  await row(EDITED_TITLE).getByRole("button", { name: /^Delete item line/ }).click();
  const confirmation = page.getByRole("dialog", { name: "Confirmation" });
  await visible(confirmation.getByText("Are you sure you want to delete this?"));
  await confirmation.getByRole("button", { name: "Confirm" }).click();
  await entriesFound(page, 0);
  await visible(main.getByText("No content found"));
  await shot(page, "deleted");
  await main.getByRole("button", { name: "Clear" }).click();
  await page.waitForURL((url) => !url.searchParams.has("_q"));
  await entriesFound(page, 1);
  await visible(row(OTHER_TITLE));
  expect(await row(EDITED_TITLE).count()).toBe(0);
  await shot(page, "list-after-delete");
}

/**
 * The database is down while the admin saves an edit: the panel shows the server's "database is
 * unavailable" message and stays logged in (a 401 would have sent it to the login page).
 */
async function adminDuringOutage(page: Page, shot: Shot): Promise<void> {
  await page.getByRole("textbox", { name: "name" }).fill(RENAMED_AUTHOR);
  await page.getByRole("button", { name: "Save" }).click();
  await visible(page.getByText("The database is unavailable; try again in 5 s").first());
  await shot(page, "database-unavailable");
  expect(page.url()).not.toMatch(/\/auth\/login/);
  await visible(page.getByRole("navigation").getByRole("button", { name: `${ADMIN.firstname} ${ADMIN.lastname}` }));
}

/** Back up: the same Save, pressed again, saves; no new login. */
async function adminAfterOutage(page: Page, shot: Shot): Promise<void> {
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { level: 1, name: RENAMED_AUTHOR }).waitFor();
  await page.getByRole("button", { name: "Save", disabled: true }).waitFor();
  expect(page.url()).not.toMatch(/\/auth\/login/);
  await shot(page, "after-outage");
}

/** The dashboard, with the admin's menu in the navigation: the session is open. */
async function loggedInHome(page: Page): Promise<void> {
  await page.waitForURL((url) => /^\/admin\/?$/.test(url.pathname));
  await visible(page.getByRole("navigation").getByRole("button", { name: `${ADMIN.firstname} ${ADMIN.lastname}` }));
  await visible(page.getByRole("heading", { level: 1, name: "Welcome 👋" }));
}

async function visible(locator: ReturnType<Page["locator"]>): Promise<void> {
  await locator.waitFor({ state: "visible" });
}

/** "1 entry found", "2 entries found": the list view's count, from the server. */
async function entriesFound(page: Page, count: number): Promise<void> {
  await visible(page.getByText(`${count} ${count === 1 ? "entry" : "entries"} found`, { exact: true }));
}

/** Content Manager → the collection's list view, checking how many entries it shows. */
async function openCollection(page: Page, name: string, expectedCount: number): Promise<void> {
  await page.getByRole("link", { name: "Content Manager" }).click();
  await page.getByRole("navigation", { name: "Content" }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
  await entriesFound(page, expectedCount);
}

/** "Create new entry", fill, Save: the saved entry's page is titled by its main field. */
async function createEntry(page: Page, fill: () => Promise<void>, savedTitle: string): Promise<void> {
  await page.getByRole("main").getByRole("link", { name: "Create new entry" }).first().click();
  await page.getByRole("heading", { level: 1, name: "Create an entry" }).waitFor();
  await fill();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { level: 1, name: savedTitle }).waitFor();
  await page.waitForURL(/\/collection-types\/[^/]+\/\d+/);
}

// Where libSQL does not answer as SQLite does. Each is a section of its own, so that the
// rest of the scenario is compared without it, and leaves nothing behind for the final state.
// The suite marks them `it.fails` on the targets where they differ (see targets.ts).
import { F, keepId, type ScenarioContext } from "../context";

export const NUL_CHARACTER = "a NUL character in a string";
export const LONE_SURROGATE = "a lone UTF-16 surrogate";
export const LARGE_RESPONSE = "a response over 10 MB";

/** U+0000 is a valid character in JSON ("\u0000") and in SQLite text. */
export async function nulCharacter(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;
  const created = await t.step("save a string with a NUL inside", api.post(`${F}/notes`, { data: { text: "before\u0000after" } }));
  const noteId = keepId(ctx, "note with a NUL", created);
  await t.step("read it back", api.get(`${F}/notes/${noteId}`));
  await t.step("delete it", api.delete(`${F}/notes/${noteId}`));
}

/**
 * A client that cuts a string by UTF-16 length can split an emoji in two and send half of it
 * (JSON allows the escape "\ud83e"). Strapi keeps the JS string as it is and hands it to the
 * driver.
 */
export async function loneSurrogate(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;
  const created = await t.step("save a string ending in half an emoji", api.post(`${F}/notes`, { data: { text: "cut after 🦀 and \ud83e" } }));
  if (created.status !== 200) return;
  const noteId = keepId(ctx, "note with half an emoji", created);
  await t.step("read it back", api.get(`${F}/notes/${noteId}`));
  await t.step("filter on it", api.get(`${F}/notes?filters[text][$startsWith]=cut%20after&fields[0]=text`));
  await t.step("delete it", api.delete(`${F}/notes/${noteId}`));
}

const LARGE_ENTRIES = 12;
const LARGE_BODY = "x".repeat(900_000);

/** Twelve entries of 900 kB each (Strapi takes 1 MB bodies), listed in one page. */
export async function largeResponse(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;
  const ids: number[] = [];
  for (let i = 0; i < LARGE_ENTRIES; i++) {
    const created = await api.post(`${F}/samples`, { data: { title: `Large ${i}`, body: LARGE_BODY } });
    ids.push(keepId(ctx, `sample Large ${i}`, created));
  }
  const list = await api.get(`${F}/samples?filters[title][$startsWith]=Large&fields[0]=title&fields[1]=body&pagination[pageSize]=${LARGE_ENTRIES}`);
  // A summary rather than the 11 MB body, for a readable diff.
  t.note("list them in one page", {
    status: list.status,
    entries: list.body?.data?.length,
    bodiesIntact: list.body?.data?.every((entry: any) => entry.attributes.body === LARGE_BODY),
    error: list.body?.error,
  });
  const deleted = await Promise.all(ids.map((entryId) => api.delete(`${F}/samples/${entryId}`)));
  t.note("delete them", deleted.map((response) => response.status));
}

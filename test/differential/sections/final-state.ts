// Read-only views of everything the scenario left: the last section of every run, and what
// an export / import must carry over.
import { F, type ScenarioContext } from "../context";
import { toQuery } from "../query";
import { DEEP_POPULATE } from "./attributes";
import { READER } from "./auth";

export const FINAL_STATE = "final state";

export async function finalState(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api, admin, anonymous } = session;
  const all = (name: string, params: Parameters<typeof toQuery>[0] = {}) =>
    t.step(name, api.get(`${F}/${name}${toQuery({ sort: ["id:asc"], pagination: { pageSize: 100 }, ...params })}`));

  await all("samples", { ...DEEP_POPULATE, sort: ["title:asc"] });
  await all("categories", { populate: { samples: { fields: ["title"], sort: "title:asc" } } });
  await all("tags", { populate: { samples: { fields: ["title"], sort: "title:asc" } } });
  await all("profiles", { populate: ["sample"] });
  // Eight of the notes were created at once: a database with several connections (Postgres,
  // a remote libSQL pool) may number them in any order, so they are listed by their text.
  await all("notes", { populate: ["sample"], sort: ["text:asc", "id:asc"] });
  await all("posts", { locale: "all", publicationState: "preview", populate: ["localizations"], sort: ["title:asc"] });
  await all("ledger-entries");
  await t.step("users", api.get("/api/users?sort=username:asc&populate=role"));
  await t.step("files", api.get("/api/upload/files?sort=name:asc&populate=folder"));
  await t.step("locales", admin.get("/i18n/locales"));
  await t.step("folders", admin.get("/upload/folders?sort=name:asc&populate[parent][fields][0]=name"));
  await t.step("the user can log in", anonymous.post("/api/auth/local", { identifier: READER.email, password: READER.password }));
}

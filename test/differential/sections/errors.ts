// The errors a client sees: Strapi's own validation (unique, required) and what the
// database itself refuses.
import { F, UID, id, type ScenarioContext } from "../context";

export async function errors(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api, admin } = session;

  await t.step("unique: a second category Tools", api.post(`${F}/categories`, { data: { name: "Tools" } }));
  await t.step("unique: renaming Books to Tools", api.put(`${F}/categories/${id(ctx, "category Books")}`, { data: { name: "Tools" } }));
  await t.step("unique: case differs, so allowed", api.post(`${F}/categories`, { data: { name: "tools" } }));
  await t.step("required: a category without a name", api.post(`${F}/categories`, { data: {} }));
  await t.step("required: a name set to null", api.put(`${F}/categories/${id(ctx, "category Books")}`, { data: { name: null } }));
  await t.step("required: a sample without a title", api.post(`${F}/samples`, { data: { count: 1 } }));
  await t.step("an empty required name, through the content-manager", admin.post(`/content-manager/collection-types/${UID("category")}`, { name: "" }));
  await t.step("unique, through the content-manager", admin.post(`/content-manager/collection-types/${UID("category")}`, { name: "Tools" }));
  await t.step("categories after the refused writes", api.get(`${F}/categories?sort=name:asc`));

  // ledger-entry.label is NOT NULL in the database only (the `column` option), so Strapi's
  // validation lets the row through and the database refuses it.
  await t.step("NOT NULL refused by the database", api.post(`${F}/ledger-entries`, { data: { amount: 1 } }));
  await t.step("ledger after the refused insert", api.get(`${F}/ledger-entries`));

  // The error class server code sees differs by driver; the suite checks it per target.
  t.facts.notNull = (await api.post(`${F}/probes/not-null`, {})).body;
  t.facts.unique = (await api.post(`${F}/probes/unique`, {})).body;

  await t.step("not found", api.get(`${F}/samples/999999`));
  await t.step("an id that is not a number", api.get(`${F}/samples/abc`));
  await t.step("an unknown populate", api.get(`${F}/samples?populate=nope`));
  await t.step("a filter on an unknown field", api.get(`${F}/samples?filters[nope][$eq]=1`));
  await t.step("no body", api.post(`${F}/samples`, {}));
  await t.step("an unknown route", api.get(`${F}/nowhere`));
}

// Deleting entries, and what happens to their relations and components.
import { F, id, type ScenarioContext } from "../context";
import { toQuery } from "../query";
import { DEEP_POPULATE } from "./attributes";

export async function deletion(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;

  await t.step("delete Beta", api.delete(`${F}/samples/${id(ctx, "sample Beta")}`));
  await t.step("Beta is gone", api.get(`${F}/samples/${id(ctx, "sample Beta")}`));
  await t.step("its profile has no sample", api.get(`${F}/profiles/${id(ctx, "profile @alpha")}?populate=sample`));
  await t.step("its note has no sample", api.get(`${F}/notes/${id(ctx, "note n3 about Beta")}?populate=sample`));
  await t.step("delete tag red", api.delete(`${F}/tags/${id(ctx, "tag red")}`));
  await t.step("delete category Tools", api.delete(`${F}/categories/${id(ctx, "category Tools")}`));
  await t.step("Alpha without red and Tools", api.get(`${F}/samples/${id(ctx, "sample Alpha")}${toQuery(DEEP_POPULATE)}`));
  await t.step("delete twice", api.delete(`${F}/samples/${id(ctx, "sample Beta")}`));
}

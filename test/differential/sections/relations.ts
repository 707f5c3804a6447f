// The four relation kinds, both sides, and the connect / disconnect / set syntax.
import { F, id, keepId, type ScenarioContext } from "../context";
import { toQuery } from "../query";

export async function relations(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;
  const alpha = id(ctx, "sample Alpha");
  const beta = id(ctx, "sample Beta");

  // oneToMany, from the many side (note.sample is the owner).
  for (const [text, sample] of [["n1 about Alpha", alpha], ["n2 about Alpha", alpha], ["n3 about Beta", beta], ["n4 about nothing", null]] as const) {
    keepId(ctx, `note ${text}`, await t.step(`create note "${text}"`, api.post(`${F}/notes`, { data: { text, sample } })));
  }
  await t.step("oneToMany: Alpha's notes", api.get(`${F}/samples/${alpha}${toQuery({ populate: { notes: { sort: "text:asc" } } })}`));
  await t.step("manyToOne: notes with their sample", api.get(`${F}/notes${toQuery({ populate: { sample: { fields: ["title"] } }, sort: "text:asc" })}`));

  // oneToOne: giving Alpha's profile to Beta takes it from Alpha.
  const profile = id(ctx, "profile @alpha");
  await t.step("oneToOne: move the profile to Beta", api.put(`${F}/samples/${beta}`, { data: { profile } }));
  await t.step("oneToOne: Alpha lost it", api.get(`${F}/samples/${alpha}?populate=profile`));
  await t.step("oneToOne: the inverse side", api.get(`${F}/profiles/${profile}?populate=sample`));

  // manyToMany, with positions.
  const [red, green, blue] = ["red", "green", "blue"].map((name) => id(ctx, `tag ${name}`));
  await t.step("manyToMany: connect green before blue", api.put(`${F}/samples/${alpha}`, {
    data: { tags: { connect: [{ id: green, position: { before: blue } }] } },
  }));
  await t.step("manyToMany: order kept", api.get(`${F}/samples/${alpha}?populate=tags`));
  await t.step("manyToMany: disconnect red", api.put(`${F}/samples/${alpha}`, {
    data: { tags: { disconnect: [red] } },
  }));
  await t.step("manyToMany: reconnect red at the end", api.put(`${F}/samples/${alpha}`, {
    data: { tags: { connect: [{ id: red, position: { end: true } }] } },
  }));
  await t.step("manyToMany: after disconnect and connect", api.get(`${F}/samples/${alpha}?populate=tags`));
  await t.step("manyToMany: Beta set to blue and red", api.put(`${F}/samples/${beta}`, { data: { tags: { set: [blue, red] } } }));
  await t.step("manyToMany: the inverse side", api.get(`${F}/tags${toQuery({ populate: { samples: { fields: ["title"], sort: "title:asc" } }, sort: "name:asc" })}`));
  // A create links the new sample last in each tag's own list (on libSQL, in one statement).
  keepId(ctx, "sample Zeta", await t.step("manyToMany: create Zeta with green and red", api.post(`${F}/samples`, { data: { title: "Zeta", tags: [green, red] } })));
  await t.step("manyToMany: the inverse side in link order", api.get(`${F}/tags${toQuery({ populate: { samples: { fields: ["title"] } }, sort: "name:asc" })}`));

  // manyToOne from the owner, and its oneToMany inverse.
  await t.step("manyToOne: Beta into Books", api.put(`${F}/samples/${beta}`, { data: { category: id(ctx, "category Books") } }));
  await t.step("manyToOne: the inverse side", api.get(`${F}/categories${toQuery({ populate: { samples: { fields: ["title"] } }, sort: "name:asc" })}`));
}

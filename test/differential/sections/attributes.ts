// Every attribute type Strapi 4 has, written and read back through the REST API.
import { F, id, keepId, type ScenarioContext } from "../context";
import { toQuery } from "../query";

/** 2^53 + 1: the first integer a JS number cannot hold. */
export const BEYOND_2_53 = "9007199254740993";
/** The largest integer SQLite stores. */
export const INT64_MAX = "9223372036854775807";

/**
 * biginteger values beyond 2^53: what Strapi on better-sqlite3 returns for each (the driver
 * reads a JS number, Strapi stringifies it), and the exact value libSQL returns.
 */
export const ROUNDED_BY_SQLITE: Record<string, string> = {
  "9007199254740992": BEYOND_2_53,
  "9223372036854776000": INT64_MAX,
};

/** Everything the sample content type can hold, all set. */
function everything(ctx: ScenarioContext) {
  return {
    title: "Alpha",
    summary: "Plain text — with unicode ✓, 'single' and \"double\" quotes, and a\nnewline",
    body: "# Heading\n\n**bold**, `code` and a [link](https://example.com)",
    contact: "alpha@example.com",
    secret: "s3cret-Passw0rd",
    slug: "alpha",
    level: "high",
    count: 2147483647,
    big: BEYOND_2_53,
    price: 12.34,
    ratio: 0.1,
    active: true,
    day: "2024-02-29",
    moment: "2024-03-10T12:34:56.789Z",
    clock: "23:59:59.999",
    meta: { nested: { list: [1, "two", null, true, 2.5], emoji: "🦀" }, empty: {}, none: null },
    cover: id(ctx, "file pixel.png"),
    gallery: [id(ctx, "file pixel.png"), id(ctx, "file notes.txt")],
    address: { street: "1 Main St", city: "Springfield", zip: 12345 },
    links: [
      { label: "one", url: "https://one.example" },
      { label: "two", url: "https://two.example" },
    ],
    blocks: [
      { __component: "fixtures.link", label: "dz link", url: "https://dz.example" },
      { __component: "fixtures.quote", text: "To be, or not to be", by: "W. S." },
    ],
    category: id(ctx, "category Tools"),
    tags: [id(ctx, "tag red"), id(ctx, "tag blue")],
    profile: id(ctx, "profile @alpha"),
  };
}

export const DEEP_POPULATE = {
  populate: {
    cover: true,
    gallery: { sort: "name:asc" },
    address: true,
    links: true,
    blocks: { populate: "*" },
    category: { populate: { samples: { fields: ["title"], sort: "title:asc" } } },
    tags: { sort: "name:asc" },
    profile: true,
    notes: { sort: "text:asc" },
  },
};

export async function attributeTypes(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;

  for (const name of ["Tools", "Books"]) {
    keepId(ctx, `category ${name}`, await t.step(`create category ${name}`, api.post(`${F}/categories`, { data: { name } })));
  }
  for (const name of ["red", "green", "blue"]) {
    keepId(ctx, `tag ${name}`, await t.step(`create tag ${name}`, api.post(`${F}/tags`, { data: { name } })));
  }
  keepId(ctx, "profile @alpha", await t.step("create profile", api.post(`${F}/profiles`, { data: { handle: "@alpha" } })));

  const alpha = await t.step("create a sample with every attribute type", api.post(`${F}/samples`, { data: everything(ctx) }));
  const alphaId = keepId(ctx, "sample Alpha", alpha);

  await t.step("read it back (populate=*)", api.get(`${F}/samples/${alphaId}?populate=*`));
  await t.step("read it back, everything populated", api.get(`${F}/samples/${alphaId}${toQuery(DEEP_POPULATE)}`));

  const links = (await api.get(`${F}/samples/${alphaId}?populate=links`)).body?.data?.attributes?.links ?? [];
  await t.step(
    "update: other values, nulls, components reordered and replaced",
    api.put(`${F}/samples/${alphaId}`, {
      data: {
        summary: null,
        count: -2147483648,
        big: "-42",
        price: 0.5,
        ratio: 123456.789,
        active: false,
        day: "1999-12-31",
        moment: "2024-03-10T14:34:56+02:00",
        clock: "00:00:00.000",
        meta: [1, 2, 3],
        address: { street: "2 Side St", city: "Shelbyville", zip: null },
        links: [{ id: links[1]?.id, label: "two, kept" }, { label: "three" }],
        blocks: [{ __component: "fixtures.quote", text: "Brevity", by: null }],
        cover: null,
      },
    }),
  );
  await t.step("read the update back", api.get(`${F}/samples/${alphaId}${toQuery(DEEP_POPULATE)}`));

  // The values this sample started with, for the later sections.
  await t.step("restore the first values", api.put(`${F}/samples/${alphaId}`, { data: everything(ctx) }));

  const beta = await t.step(
    "a second sample, minimal, datetime given with an offset",
    api.post(`${F}/samples`, { data: { title: "Beta", moment: "2023-07-01T23:30:00-05:00", big: "42", active: false, level: "low", count: 0 } }),
  );
  keepId(ctx, "sample Beta", beta);

  // Values at the edges of what each type holds, and of what the drivers transport.
  const edge = await t.step(
    "a sample with edge values",
    api.post(`${F}/samples`, {
      data: {
        title: "Edge",
        summary: "a tab\t, a BOM \ufeff, an astral 𝄞, a combining é and a right-to-left שלום",
        body: "long ".repeat(40_000),
        count: 0,
        big: INT64_MAX,
        price: 3.141592653589793,
        ratio: 1.7976931348623157e308,
        day: "0001-01-01",
        moment: "1900-01-01T00:00:00.000Z",
        clock: "12:00:00",
        meta: { big: 1e21, small: 5e-324, negativeZero: -0, unicode: "𝄞\u0000" },
        links: [],
        blocks: [],
      },
    }),
  );
  const edgeId = keepId(ctx, "sample Edge", edge);
  await t.step("read the edge values back", api.get(`${F}/samples/${edgeId}`));
  await t.step("a float beyond 2^53 in an integer column, and the smallest float", api.put(`${F}/samples/${edgeId}`, {
    data: { count: 9007199254740991, ratio: 5e-324, price: -0.000001 },
  }));
  await t.step("read them back", api.get(`${F}/samples/${edgeId}?fields[0]=summary&fields[1]=count&fields[2]=ratio&fields[3]=price`));
  await t.step("delete the edge sample", api.delete(`${F}/samples/${edgeId}`));

  // Some of these Strapi accepts (it checks no integer range, and keeps a biginteger as text):
  // whatever it does, it must do on both databases.
  const doubtful: Array<[string, Record<string, unknown>]> = [
    ["an enumeration value not in the list", { level: "extreme" }],
    ["an invalid email", { contact: "not-an-email" }],
    ["a float in an integer", { count: 1.5 }],
    ["an integer beyond 32 bits", { count: 2147483648 }],
    ["text in a biginteger", { big: "twelve" }],
    ["text in a decimal", { price: "cheap" }],
    ["an invalid time", { clock: "25:61" }],
    ["an invalid date", { day: "2024-02-30" }],
    ["an invalid datetime", { moment: "yesterday" }],
    ["a uid with spaces", { slug: "not a slug" }],
    ["a string in a boolean", { active: "maybe" }],
  ];
  for (const [what, data] of doubtful) {
    await t.step(`validation: ${what}`, api.post(`${F}/samples`, { data: { title: `Doubtful: ${what}`, ...data } }));
  }
  await t.step("list after the doubtful writes", api.get(`${F}/samples?fields[0]=title&sort=title:asc`));
}

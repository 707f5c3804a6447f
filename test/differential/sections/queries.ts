// The REST query language: filters, sort, pagination, `_q` search, fields and deep populate.
import { F, id, keepId, type ScenarioContext } from "../context";
import { toQuery } from "../query";

type Params = Parameters<typeof toQuery>[0];

export async function queries(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;

  const more = [
    { title: "Gamma", count: 10, price: 1.5, ratio: 0.25, active: true, level: "low", day: "2023-01-01", moment: "2023-01-01T00:00:00.000Z", summary: "A needle in the haystack", category: id(ctx, "category Tools"), address: { city: "Springfield", street: "3 Elm", zip: 1 } },
    { title: "Delta", count: 20, price: 2.5, ratio: -1.75, active: false, level: "medium", day: "2023-06-15", moment: "2025-06-15T08:00:00.000Z", summary: "NEEDLEWORK", tags: [id(ctx, "tag green")] },
    { title: "Épsilon Ünïcode", count: null, level: null, day: null, summary: "naïve café — ümlaut", big: "7" },
    { title: "alpha lowercase", count: 5, price: 100, active: true, level: "high", contact: "lower@example.com" },
  ];
  for (const data of more) keepId(ctx, `sample ${data.title}`, await t.step(`create sample ${data.title}`, api.post(`${F}/samples`, { data })));

  const list = (step: string, params: Params) =>
    t.step(step, api.get(`${F}/samples${toQuery({ fields: ["title"], sort: ["title:asc"], ...params })}`));

  await list("$eq", { filters: { count: { $eq: 10 } } });
  await list("$eq on a string is case-sensitive", { filters: { title: { $eq: "alpha" } } });
  await list("$eqi", { filters: { title: { $eqi: "ALPHA" } } });
  await list("$ne", { filters: { level: { $ne: "low" } } });
  await list("$in", { filters: { title: { $in: ["Alpha", "Gamma", "Nope"] } } });
  await list("$notIn", { filters: { level: { $notIn: ["low", "high"] } } });
  await list("$lt on a decimal", { filters: { price: { $lt: 2 } } });
  await list("$lte / $gt on a float", { filters: { ratio: { $gt: -2, $lte: 0.25 } } });
  await list("$between on integers", { filters: { count: { $between: [5, 20] } } });
  await list("$between on dates", { filters: { day: { $between: ["2023-01-01", "2023-12-31"] } } });
  await list("$gte on a datetime", { filters: { moment: { $gte: "2024-01-01T00:00:00.000Z" } } });
  await list("$lt on a datetime", { filters: { moment: { $lt: "2024-01-01T00:00:00.000Z" } } });
  await list("$gt on a biginteger", { filters: { big: { $gt: 10 } } });
  await list("$null", { filters: { count: { $null: true } } });
  await list("$notNull", { filters: { level: { $notNull: true } } });
  await list("$eq on a boolean", { filters: { active: { $eq: true } } });
  await list("$containsi", { filters: { summary: { $containsi: "NEEDLE" } } });
  await list("$contains", { filters: { summary: { $contains: "needle" } } });
  await list("$notContainsi", { filters: { summary: { $notContainsi: "needle" } } });
  await list("$containsi with non-ASCII letters", { filters: { title: { $containsi: "ÜNÏ" } } });
  await list("$startsWith", { filters: { title: { $startsWith: "Al" } } });
  await list("$endsWith", { filters: { title: { $endsWith: "a" } } });
  await list("a LIKE wildcard in the value is literal", { filters: { title: { $contains: "%" } } });
  await list("nested relation filter (manyToOne)", { filters: { category: { name: { $eq: "Tools" } } } });
  await list("nested relation filter (manyToMany)", { filters: { tags: { name: { $in: ["green"] } } } });
  await list("nested relation filter (oneToMany), two levels", { filters: { notes: { text: { $containsi: "N2" } } } });
  await list("filter on a component field", { filters: { address: { city: { $eq: "Springfield" } } } });
  await list("$or", { filters: { $or: [{ count: { $eq: 10 } }, { title: { $eq: "Beta" } }] } });
  await list("$and with $not", { filters: { $and: [{ active: { $eq: true } }, { $not: { level: { $eq: "high" } } }] } });
  await list("$or across a relation", { filters: { $or: [{ category: { name: { $eq: "Books" } } }, { tags: { name: { $eq: "green" } } }] } });
  await list("an unknown operator", { filters: { title: { $like: "A%" } } });

  await list("sort by an integer, descending (nulls last)", { sort: ["count:desc", "title:asc"] });
  await list("sort by an integer, ascending (nulls first)", { sort: ["count:asc", "title:asc"] });
  await list("sort by a decimal and a float", { sort: ["price:desc", "ratio:asc", "title:asc"] });
  await list("sort by a string: binary order, case-sensitive", { sort: ["title:asc"] });
  await list("sort by an enumeration and a date", { sort: ["level:asc", "day:desc", "title:asc"] });
  await list("sort by a relation's field", { sort: ["category.name:asc", "title:asc"] });

  await list("page 2 of size 2", { pagination: { page: 2, pageSize: 2 } });
  await list("a page beyond the last", { pagination: { page: 50, pageSize: 2 } });
  await list("start and limit", { pagination: { start: 1, limit: 3 } });
  await list("without the count", { pagination: { page: 1, pageSize: 2, withCount: false } });
  await list("a page size beyond maxLimit", { pagination: { pageSize: 1000 } });

  for (const term of ["needle", "ALPHA", "Ünï", "12345", "high", "alpha@example.com"]) {
    await list(`_q=${term}`, { _q: term });
  }

  const deep = (step: string, params: Params) => t.step(step, api.get(`${F}/samples${toQuery({ sort: ["title:asc"], ...params })}`));
  await deep("populate=* on a list", { populate: "*", filters: { title: { $in: ["Alpha", "Gamma"] } } });
  await deep("populate three levels deep", {
    fields: ["title"],
    filters: { title: { $eq: "Alpha" } },
    populate: { category: { fields: ["name"], populate: { samples: { fields: ["title"], sort: "title:asc", populate: { tags: { fields: ["name"], sort: "name:asc" } } } } } },
  });
  await deep("populate with a filter and a sort on the relation", {
    fields: ["title"],
    populate: { tags: { fields: ["name"], filters: { name: { $ne: "red" } }, sort: "name:desc" }, notes: { fields: ["text"] } },
  });
  await deep("populate a dynamic zone and components", { fields: ["title"], populate: { blocks: { populate: "*" }, links: true, address: true } });
  await deep("select fields of every type", {
    fields: ["title", "count", "big", "price", "ratio", "active", "day", "moment", "clock", "meta", "level"],
  });
}

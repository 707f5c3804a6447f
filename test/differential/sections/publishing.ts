// Draft & publish, and i18n with a second locale added through the admin API.
import { F, UID, id, keepId, type ScenarioContext } from "../context";
import { toQuery } from "../query";

export async function publishing(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api, admin } = session;
  const cm = `/content-manager/collection-types/${UID("post")}`;

  await t.step("add the French locale", admin.post("/i18n/locales", { name: "French (fr)", code: "fr", isDefault: false }));
  await t.step("list the locales", admin.get("/i18n/locales"));

  keepId(ctx, "post Hello", await t.step("create a post (published by the REST API)", api.post(`${F}/posts`, { data: { title: "Hello", rank: 1 } })));
  keepId(ctx, "post Draft", await t.step("create a draft", api.post(`${F}/posts`, { data: { title: "Draft", rank: 2, publishedAt: null } })));
  const posts = (params: Parameters<typeof toQuery>[0]) => api.get(`${F}/posts${toQuery({ sort: ["title:asc"], ...params })}`);
  await t.step("the live list hides the draft", posts({}));
  await t.step("publicationState=preview shows it", posts({ publicationState: "preview" }));
  await t.step("a draft by id, without publicationState", api.get(`${F}/posts/${id(ctx, "post Draft")}`));
  await t.step("publish the draft", api.put(`${F}/posts/${id(ctx, "post Draft")}`, { data: { publishedAt: "2024-05-01T10:00:00.000Z" } }));
  await t.step("unpublish the first post", api.put(`${F}/posts/${id(ctx, "post Hello")}`, { data: { publishedAt: null } }));
  await t.step("live list after publish and unpublish", posts({}));
  await t.step("filter on publishedAt", posts({ publicationState: "preview", filters: { publishedAt: { $null: true } } }));

  // Plugin content types get no REST /localizations route from i18n (it adds one to src/api
  // types only), so the localization is made as the admin panel makes it.
  const hello = id(ctx, "post Hello");
  const bonjour = await t.step(
    "localize a post in French (content-manager)",
    admin.post(`${cm}${toQuery({ locale: "fr", relatedEntityId: hello })}`, { title: "Bonjour", rank: 1 }),
  );
  keepId(ctx, "post Bonjour", bonjour, (body) => body?.id);
  await t.step("publish it (content-manager)", admin.post(`${cm}/${id(ctx, "post Bonjour")}/actions/publish`, {}));
  await t.step("create a French post on the REST API", api.post(`${F}/posts`, { data: { title: "Salut", rank: 3, locale: "fr" } }));
  await t.step("an unknown locale is refused", api.post(`${F}/posts`, { data: { title: "Hallo", locale: "de" } }));
  await t.step("update a non-localized field on the English post", api.put(`${F}/posts/${hello}`, { data: { rank: 10 } }));
  await t.step("the French list", posts({ locale: "fr", publicationState: "preview", populate: ["localizations"] }));
  await t.step("every locale", posts({ locale: "all", publicationState: "preview", populate: ["localizations"] }));
  await t.step("the default locale only", posts({ publicationState: "preview" }));
  await t.step("the English post with its localizations", api.get(`${F}/posts/${hello}?populate=localizations&publicationState=preview`));
  await t.step("content-manager list in French", admin.get(`${cm}?page=1&pageSize=10&sort=title:ASC&locale=fr`));
}

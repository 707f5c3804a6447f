// users-permissions (register, login, a JWT on a protected route), API tokens, and the
// admin API's content-manager.
import { F, UID, id, type ScenarioContext } from "../context";
import { StrapiApi, type ApiResponse } from "../../helpers/api";

export const READER = { username: "reader", email: "reader@example.com", password: "Reader-1234" };

/** apiWithToken names its token after the clock; the name is not what is compared here. */
function renameSuiteToken(response: ApiResponse): ApiResponse {
  const tokens = Array.isArray(response.body?.data) ? response.body.data : [];
  for (const token of tokens) if (/^test-\d+-\w+$/.test(token.name)) token.name = "<the suite's full-access token>";
  return response;
}

export async function auth(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api, admin, anonymous, baseUrl } = session;

  const registered = await t.step("register a user", anonymous.post("/api/auth/local/register", READER));
  await t.step("register the same email again", anonymous.post("/api/auth/local/register", { ...READER, username: "other" }));
  await t.step("register with a short password", anonymous.post("/api/auth/local/register", { username: "x", email: "x@example.com", password: "12" }));
  const login = await t.step("log in", anonymous.post("/api/auth/local", { identifier: READER.email, password: READER.password }));
  await t.step("log in with the username", anonymous.post("/api/auth/local", { identifier: READER.username, password: READER.password }));
  await t.step("log in with a wrong password", anonymous.post("/api/auth/local", { identifier: READER.email, password: "wrong" }));
  const user = new StrapiApi(baseUrl, login.body?.jwt ?? registered.body?.jwt);
  await t.step("GET /api/users/me with the JWT", user.get("/api/users/me"));
  await t.step("GET /api/users/me without it", anonymous.get("/api/users/me"));
  await t.step("a bad JWT", new StrapiApi(baseUrl, "not.a.jwt").get("/api/users/me"));
  await t.step("the authenticated role cannot read samples", user.get(`${F}/samples`));
  await t.step("neither can the public", anonymous.get(`${F}/samples`));
  const roles = await t.step("users-permissions roles", admin.get("/users-permissions/roles"));
  const authenticated = (roles.body?.roles ?? []).find((role: { type: string }) => role.type === "authenticated");
  await t.step("allow the authenticated role to read categories", admin.put(`/users-permissions/roles/${authenticated?.id}`, {
    name: authenticated?.name,
    description: authenticated?.description,
    permissions: { "plugin::libsql-fixtures": { controllers: { category: { find: { enabled: true } } } } },
  }));
  await t.step("the JWT now reads categories", user.get(`${F}/categories?sort=name:asc`));
  await t.step("but still not samples", user.get(`${F}/samples`));
  await t.step("users, with the full-access token", api.get("/api/users?sort=username:asc"));

  const token = await t.step("create a read-only API token", admin.post("/admin/api-tokens", {
    name: "read-only client", description: "for the front-end", type: "read-only", lifespan: null,
  }));
  const reader = new StrapiApi(baseUrl, token.body?.data?.accessKey);
  await t.step("the read-only token reads", reader.get(`${F}/categories?sort=name:asc`));
  await t.step("the read-only token cannot write", reader.post(`${F}/categories`, { data: { name: "Nope" } }));
  await t.step("list API tokens", admin.get("/admin/api-tokens").then(renameSuiteToken));

  const cm = (name: string) => `/content-manager/collection-types/${UID(name)}`;
  await t.step("content-manager: list samples", admin.get(`${cm("sample")}?page=1&pageSize=5&sort=title:ASC`));
  await t.step("content-manager: page 2", admin.get(`${cm("sample")}?page=2&pageSize=5&sort=title:ASC`));
  await t.step("content-manager: search", admin.get(`${cm("sample")}?page=1&pageSize=10&sort=title:ASC&_q=alpha`));
  await t.step("content-manager: filter", admin.get(`${cm("sample")}?page=1&pageSize=10&sort=title:ASC&filters[$and][0][count][$gt]=5`));
  await t.step("content-manager: one entry", admin.get(`${cm("sample")}/${id(ctx, "sample Alpha")}`));
  await t.step("content-manager: an entry's relation", admin.get(`/content-manager/relations/${UID("sample")}/${id(ctx, "sample Alpha")}/tags`));
  await t.step("content-manager: create (createdBy is the admin)", admin.post(cm("tag"), { name: "from the admin" }));
  await t.step("content-manager: tags", admin.get(`${cm("tag")}?page=1&pageSize=10&sort=name:ASC`));
}

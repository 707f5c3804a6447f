// The clients a Strapi user has once an app is set up: a full-access API token for the
// content API, the admin panel's session (admin API), and an anonymous visitor.
import { ADMIN, StrapiApi, apiWithToken } from "../helpers/api";

export interface Session {
  baseUrl: string;
  /** Content API with a full-access API token. */
  api: StrapiApi;
  /** Admin API (content-manager, Media Library, i18n, API tokens) as the first admin. */
  admin: StrapiApi;
  anonymous: StrapiApi;
  /** `url`s of every file uploaded, so the suite can remove them from public/uploads. */
  uploads: string[];
}

export async function openSession(baseUrl: string): Promise<Session> {
  const api = await apiWithToken(baseUrl);
  const anonymous = new StrapiApi(baseUrl);
  const login = await anonymous.post("/admin/login", { email: ADMIN.email, password: ADMIN.password });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { baseUrl, api, admin: new StrapiApi(baseUrl, login.body.data.token), anonymous, uploads: [] };
}

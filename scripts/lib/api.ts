// Talks to Strapi's HTTP API the way a client app does, with a full-access API token made
// through the admin API (first admin registration, then a token), as a user would set it up.

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export class StrapiApi {
  constructor(
    readonly baseUrl: string,
    /** The bearer token it sends, if any. */
    readonly token?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const json = body === undefined ? undefined : JSON.stringify(body);
    return this.send<T>(method, path, json, body === undefined ? {} : { "Content-Type": "application/json" });
  }

  /** A multipart request, as a browser sends a file upload (fetch sets the boundary). */
  postForm<T = any>(path: string, form: FormData): Promise<ApiResponse<T>> {
    return this.send<T>("POST", path, form, {});
  }

  private async send<T>(method: string, path: string, body: string | FormData | undefined, headers: Record<string, string>): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
  }

  get<T = any>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = any>(path: string, body: unknown) {
    return this.request<T>("POST", path, body);
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>("PUT", path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>("DELETE", path);
  }
}

export const ADMIN = { firstname: "Ada", lastname: "Admin", email: "admin@example.com", password: "Test1234!pass" };

/** Registers the first admin (or logs in when one exists) and returns an API client with a full-access token. */
export async function apiWithToken(baseUrl: string): Promise<StrapiApi> {
  const anonymous = new StrapiApi(baseUrl);
  const registered = await anonymous.post("/admin/register-admin", ADMIN);
  const session =
    registered.status === 200
      ? registered
      : await anonymous.post("/admin/login", { email: ADMIN.email, password: ADMIN.password });
  if (session.status !== 200) {
    throw new Error(`admin login failed: ${session.status} ${JSON.stringify(session.body)}`);
  }
  const admin = new StrapiApi(baseUrl, session.body.data.token);
  const created = await admin.post("/admin/api-tokens", {
    name: `test-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    description: "",
    type: "full-access",
    lifespan: null,
  });
  if (created.status !== 201) {
    throw new Error(`creating an API token failed: ${created.status} ${JSON.stringify(created.body)}`);
  }
  return new StrapiApi(baseUrl, created.body.data.accessKey);
}

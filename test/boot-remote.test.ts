// Strapi 4.25.9 on a real libSQL server (sqld, JWT auth as on Turso), over every transport
// a local server offers. Each URL form gets its own database on a fresh server.
import { afterAll, describe, expect, it } from "vitest";
import { apiWithToken } from "./helpers/api";
import { runCrudScenario } from "./helpers/crud-scenario";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { startStrapi, type StrapiProcess } from "./helpers/strapi";
import { startTlsTerminator } from "./helpers/tls-terminator";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

async function bootOn(
  env: (server: SqldServer) => Record<string, string> | Promise<Record<string, string>>,
): Promise<{ server: SqldServer; strapi: StrapiProcess }> {
  const server = await startSqld();
  cleanups.push(() => server.stop());
  const strapi = await startStrapi({ env: await env(server) });
  cleanups.push(() => strapi.stop());
  return { server, strapi };
}

describe.each([
  { form: "http://", url: (server: SqldServer) => server.url("http") },
  { form: "ws://", url: (server: SqldServer) => server.url("ws") },
  { form: "libsql://?tls=0", url: (server: SqldServer) => server.url("libsql") },
])("Strapi on sqld over $form", ({ url }) => {
  it("boots with TURSO_AUTH_TOKEN and serves the CRUD scenario, twice across a restart", async () => {
    const { server, strapi } = await bootOn((server) => ({ DATABASE_URL: url(server), TURSO_AUTH_TOKEN: server.authToken }));
    expect(strapi.output()).not.toContain(server.authToken);
    await runCrudScenario(await apiWithToken(strapi.baseUrl), "remote");
    await strapi.stop();

    const again = await startStrapi({ env: { DATABASE_URL: url(server), TURSO_AUTH_TOKEN: server.authToken } });
    cleanups.push(() => again.stop());
    const api = await apiWithToken(again.baseUrl);
    expect((await api.get("/api/authors?filters[name][$eq]=Grace%20remote")).body.data).toHaveLength(1);
    await runCrudScenario(api, "remote again");
  });
});

// Turso's own URL form, libsql://, means TLS; so does wss://. The certificate is the test's own,
// so Strapi is given it as Node's extra CA, as a user with a private CA would.
describe.each([
  { form: "libsql:// (HTTPS)", scheme: "libsql" },
  { form: "wss://", scheme: "wss" },
])("Strapi on sqld behind TLS, over $form", ({ scheme }) => {
  it("boots with the server's CA in NODE_EXTRA_CA_CERTS and serves the CRUD scenario", async () => {
    const { strapi } = await bootOn(async (server) => {
      const tls = await startTlsTerminator({ port: server.port });
      cleanups.push(() => tls.close());
      return { DATABASE_URL: `${scheme}://localhost:${tls.port}`, TURSO_AUTH_TOKEN: server.authToken, NODE_EXTRA_CA_CERTS: tls.caFile };
    });
    await runCrudScenario(await apiWithToken(strapi.baseUrl), "tls");
  });
});

describe("the token in the URL", () => {
  it("works as ?authToken= (the seed recipe's form) with TURSO_DATABASE_URL", async () => {
    const { strapi } = await bootOn((server) => ({
      TURSO_DATABASE_URL: `${server.url("ws")}?authToken=${server.authToken}`,
    }));
    await runCrudScenario(await apiWithToken(strapi.baseUrl), "url token");
  });
});

// The request after 15 s idle, over every transport: test/resilience.test.ts.

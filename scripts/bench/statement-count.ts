// The statements Strapi's knex has run since the process started, as counted by the test-only
// fixture plugin (test/fixtures/libsql-fixtures/server/statement-counter.js).

/** The plugin is off unless this is set; the bench turns it on for every target alike. */
export const STATEMENT_COUNTER_ENV = { STRAPI_LIBSQL_TEST_FIXTURES: "true" };

export async function statementCount(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/libsql-fixtures/statement-count`);
  const body = (await response.json()) as { statements?: unknown };
  if (response.status !== 200 || typeof body.statements !== "number") {
    throw new Error(`statement count: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  return body.statements;
}

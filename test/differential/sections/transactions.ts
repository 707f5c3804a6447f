// A multi-row write in one transaction: all rows or none.
import { F, id, type ScenarioContext } from "../context";

export async function transactions(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;

  await t.step("a transfer that completes", api.post(`${F}/probes/transfer`, { amount: 5, complete: true }));
  await t.step("a transfer whose second row fails", api.post(`${F}/probes/transfer`, { amount: 7, complete: false }));
  await t.step("the ledger holds only the completed transfer", api.get(`${F}/ledger-entries?sort=id:asc`));

  // Each create is a transaction of its own (the entry, then its relations); sent at once,
  // they queue for the connection.
  const writes = await Promise.all(
    Array.from({ length: 8 }, (_, i) => api.post(`${F}/notes`, { data: { text: `concurrent ${i}`, sample: id(ctx, "sample Alpha") } })),
  );
  t.note("eight writes at once", writes.map((response) => response.status));
  await t.step("the eight notes", api.get(`${F}/notes?filters[text][$startsWith]=concurrent&sort=text:asc&populate[sample][fields][0]=title`));
}

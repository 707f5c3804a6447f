// What every section of the scenario works with.
import type { ApiResponse } from "../helpers/api";
import type { Session } from "./session";
import type { Transcript } from "./transcript";

/** The fixture plugin's content API (test/fixtures/libsql-fixtures). */
export const F = "/api/libsql-fixtures";
export const UID = (name: string) => `plugin::libsql-fixtures.${name}`;

export interface ScenarioContext {
  session: Session;
  t: Transcript;
  /** Ids of what earlier steps created, by a name the scenario chooses ("sample Alpha"). */
  ids: Map<string, number>;
}

/** The id a create returned; a readable error when the create failed (later steps need it). */
export function keepId(ctx: ScenarioContext, name: string, response: ApiResponse, pick = (body: any) => body?.data?.id): number {
  const id = pick(response.body);
  if (typeof id !== "number") {
    throw new Error(`${ctx.t.target}: creating ${name} answered ${response.status} ${JSON.stringify(response.body)}`);
  }
  ctx.ids.set(name, id);
  return id;
}

export function id(ctx: ScenarioContext, name: string): number {
  const value = ctx.ids.get(name);
  if (value === undefined) throw new Error(`${ctx.t.target}: no id for ${name}: the step that creates it did not run`);
  return value;
}

// The scenario, written once and run against every database. Sections run in this order:
// later ones use what earlier ones created. Each records its responses under its name.
import type { ScenarioContext } from "./context";
import { attributeTypes } from "./sections/attributes";
import { auth } from "./sections/auth";
import { deletion } from "./sections/deletion";
import { errors } from "./sections/errors";
import { FINAL_STATE, finalState } from "./sections/final-state";
import { LARGE_RESPONSE, LONE_SURROGATE, NUL_CHARACTER, largeResponse, loneSurrogate, nulCharacter } from "./sections/known-differences";
import { library } from "./sections/library";
import { uploads } from "./sections/media";
import { publishing } from "./sections/publishing";
import { queries } from "./sections/queries";
import { relations } from "./sections/relations";
import { transactions } from "./sections/transactions";
import type { Session } from "./session";
import { Transcript } from "./transcript";

const SECTIONS: ReadonlyArray<readonly [string, (ctx: ScenarioContext) => Promise<void>]> = [
  ["media", uploads],
  ["attribute types", attributeTypes],
  ["relations", relations],
  ["queries", queries],
  ["draft & publish, i18n", publishing],
  ["errors", errors],
  ["auth and admin", auth],
  ["media library", library],
  ["transactions", transactions],
  ["deletion", deletion],
  [NUL_CHARACTER, nulCharacter],
  [LONE_SURROGATE, loneSurrogate],
  [LARGE_RESPONSE, largeResponse],
  [FINAL_STATE, finalState],
];

/** The section names, known before anything runs (one test per section and target). */
export const SECTION_NAMES = SECTIONS.map(([name]) => name);

export async function runScenario(target: string, session: Session): Promise<Transcript> {
  const t = new Transcript(target);
  const ctx: ScenarioContext = { session, t, ids: new Map() };
  for (const [name, run] of SECTIONS) {
    t.begin(name);
    await run(ctx);
  }
  return t;
}

/** Only the read-only last section, on a database filled some other way (an import). */
export async function readFinalState(target: string, session: Session): Promise<Transcript> {
  const t = new Transcript(target);
  t.begin(FINAL_STATE);
  await finalState({ session, t, ids: new Map() });
  return t;
}

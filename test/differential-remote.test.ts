// Issue 3's differential suite, remote half: the same scenario on Strapi's own SQLite and on
// a real libSQL server (sqld, JWT auth as on Turso) over each URL form must give the same
// API responses. One form runs with writes nobody reads sent on their own, so that both ways
// of sending them are compared.
import { sqld } from "./differential/targets";
import { compareWithReference, referenceOnSqlite } from "./differential/suite";

const reference = referenceOnSqlite("differential-remote");
for (const scheme of ["ws", "http"] as const) compareWithReference(sqld(scheme), reference);
compareWithReference(sqld("libsql", { DATABASE_HOLD_UNREAD_WRITES: "false" }), reference);

// Issue 3's differential suite, remote half: the same scenario on Strapi's own SQLite and on
// a real libSQL server (sqld, JWT auth as on Turso) over each URL form must give the same
// API responses.
import { sqld } from "./differential/targets";
import { compareWithReference, referenceOnSqlite } from "./differential/suite";

const reference = referenceOnSqlite("differential-remote");
for (const scheme of ["ws", "http", "libsql"] as const) compareWithReference(sqld(scheme), reference);

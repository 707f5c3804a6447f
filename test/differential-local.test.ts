// Issue 3's differential suite, local half: the same scenario on Strapi's own SQLite and on
// a libSQL file must give the same API responses; and data exported from SQLite with
// `strapi export` must read the same after `strapi import` into a fresh libSQL database.
import { LIBSQL_FILE } from "./differential/targets";
import { compareWithReference, referenceOnSqlite } from "./differential/suite";
import { exportImportSuite } from "./differential/export-import";

const reference = referenceOnSqlite("differential-local");
compareWithReference(LIBSQL_FILE, reference);
exportImportSuite(reference);

export { startSqld, type SqldServer } from "../../scripts/lib/sqld";

// Moved to scripts/lib so that `pnpm bench` can use it; re-exported for the tests.
export * from "../../scripts/lib/tcp-proxy";

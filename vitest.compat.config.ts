// `pnpm patch:compat --boot` runs this: one fresh app per Strapi version, minutes each, so
// it is a maintainer's command and not part of `pnpm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/compat/**/*.test.ts"],
    maxWorkers: 1,
    minWorkers: 1,
    hookTimeout: 120_000,
  },
});

// `pnpm test:soak`: the long versions of test/resilience.test.ts (60 s and 5 min idle, 30 s of
// load), about 11 minutes; not part of `pnpm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    globalSetup: ["test/global-setup.ts"],
    maxWorkers: 1,
    minWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});

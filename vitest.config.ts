import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/**/*.test.ts", "src/**/*.test.ts", "test/**/*.test.ts"],
    // Booting every Strapi version takes minutes each: `pnpm patch:compat --boot` runs it.
    exclude: ["test/compat/**", "**/node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    // Suites boot real Strapi processes and servers; two cores run two files at a time.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

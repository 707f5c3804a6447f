// Every suite that boots Strapi needs the TypeScript server compiled into dist/, as
// `pnpm start` does before `strapi start`; the admin end-to-end test also needs the admin
// panel built into dist/build. Both happen here, before any suite boots Strapi: `strapi build`
// rewrites dist/ and must not do so under a running Strapi. The admin build runs only when it
// is missing or outdated (~30 s), as in `pnpm start`.
import { join } from "node:path";
import { ensureAdminBuild } from "../scripts/lib/admin-build";
import { compileServer } from "../scripts/prepare-app";

export default function setup(): void {
  const appDir = join(__dirname, "..");
  compileServer(appDir);
  ensureAdminBuild(appDir, { log: (line) => console.log(`global-setup: ${line}`) });
}

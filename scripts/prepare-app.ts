// Makes the repo runnable as a Strapi app: a .env with fresh secrets when there is none, the
// TypeScript server (config/, src/) compiled into dist/, which is what `strapi start` loads,
// and the admin panel built into dist/build. `pnpm start` is Strapi's own `strapi start`, which
// needs none of this project's dev dependencies: a production install can run what a build
// with them made (the Dockerfile does).
//
//   tsx scripts/prepare-app.ts                 .env, server, and the admin panel unless SERVE_ADMIN_PANEL=false (pnpm build)
//   tsx scripts/prepare-app.ts --server-only   .env and server only (pnpm build:server, pnpm develop)
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { adminPanelEnabled, appEnv, ensureAdminBuild } from "./lib/admin-build";

export function envFromExample(example: string): string {
  return example.replace(/tobemodified/g, () => randomBytes(16).toString("base64"));
}

export function compileServer(appDir: string): void {
  const configPath = join(appDir, "tsconfig.json");
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, appDir);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const emitted = program.emit();
  const diagnostics = ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics);
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => appDir, getNewLine: () => "\n" };
    throw new Error(`the server does not compile:\n${ts.formatDiagnosticsWithColorAndContext(diagnostics, host)}`);
  }
}

function main(args: string[]): void {
  const unknown = args.filter((arg) => arg !== "--server-only");
  if (unknown.length > 0) throw new Error(`prepare-app: unknown argument ${unknown.join(" ")} (--server-only)`);
  const appDir = join(__dirname, "..");
  const envFile = join(appDir, ".env");
  if (!existsSync(envFile)) {
    writeFileSync(envFile, envFromExample(readFileSync(join(appDir, ".env.example"), "utf8")));
    console.log("prepare-app: created .env with fresh secrets from .env.example");
  }
  compileServer(appDir);
  if (args.includes("--server-only")) return;
  if (adminPanelEnabled(appEnv(appDir))) ensureAdminBuild(appDir, { force: true, verbose: true });
  else console.log("prepare-app: SERVE_ADMIN_PANEL=false, so no admin panel is built");
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}

// Makes the repo runnable as a Strapi app: a .env with fresh secrets when there is none, and
// the TypeScript server (config/, src/) compiled into dist/, which is what `strapi start`
// loads. `strapi build` would do the compile too, but it also builds the admin panel.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

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

if (require.main === module) {
  const appDir = join(__dirname, "..");
  const envFile = join(appDir, ".env");
  if (!existsSync(envFile)) {
    writeFileSync(envFile, envFromExample(readFileSync(join(appDir, ".env.example"), "utf8")));
    console.log("prepare-app: created .env with fresh secrets from .env.example");
  }
  compileServer(appDir);
}

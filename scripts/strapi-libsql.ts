// pnpm strapi-libsql add <path-to-app> — puts the libSQL patch into an existing Strapi 4 app.
import { join, resolve } from "node:path";
import { addToApp } from "./lib/add/add-to-app";
import { AddError } from "./lib/add/inspect-app";

async function main(args: string[]): Promise<number> {
  const [command, appPath] = args;
  if (command !== "add" || !appPath) {
    console.error("usage: pnpm strapi-libsql add <path-to-strapi-app>");
    return 2;
  }
  try {
    const report = await addToApp(resolve(appPath), join(__dirname, ".."));
    if (report.changed.length === 0 && report.removed.length === 0 && report.manual.length === 0) {
      console.log(`strapi-libsql: ${appPath} already has everything; nothing changed`);
      return 0;
    }
    for (const path of report.changed) console.log(`strapi-libsql: updated ${path}`);
    for (const removal of report.removed) console.log(`strapi-libsql: removed ${removal}`);
    for (const note of report.notes) console.log(`strapi-libsql: ${note}`);
    for (const step of report.manual) console.log(`strapi-libsql: could not edit safely; ${step}`);
    console.log(`strapi-libsql: next, in ${appPath}: ${report.nextCommand}, then start Strapi with DATABASE_CLIENT=libsql`);
    return 0;
  } catch (error) {
    if (!(error instanceof AddError)) throw error;
    console.error(`strapi-libsql: ${error.message}`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));

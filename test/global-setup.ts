// Every suite that boots Strapi needs the TypeScript server compiled into dist/, as
// `pnpm start` does before `strapi start`.
import { join } from "node:path";
import { compileServer } from "../scripts/prepare-app";

export default function setup(): void {
  compileServer(join(__dirname, ".."));
}

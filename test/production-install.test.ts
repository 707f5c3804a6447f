// The Dockerfile's steps without Docker (no engine runs here): each stage in a folder of its own,
// its COPY and RUN lines replayed in order, read from the Dockerfile itself so that the two
// cannot drift apart. The build stage installs everything and builds; the image installs
// production dependencies only, with the patch still checked, and runs Strapi against sqld.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { cp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStrapi } from "../scripts/lib/strapi-process";
import { apiWithToken } from "./helpers/api";
import { startSqld, type SqldServer } from "./helpers/sqld";
import { userShellEnv } from "./helpers/app-install";
import { APP_DIR } from "./helpers/strapi";

interface Stage {
  name: string;
  from: string;
  steps: Array<{ kind: "COPY" | "RUN" | "ENV" | "CMD"; args: string }>;
}

/** The Dockerfile's stages, its instructions joined across line continuations. */
function dockerStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, " ").split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  for (const line of lines) {
    const [instruction = "", ...rest] = line.trim().split(/\s+/);
    const args = rest.join(" ");
    if (instruction === "FROM") {
      const [from = "", , name = `stage${stages.length}`] = rest;
      stages.push({ name, from, steps: [] });
    } else if (["COPY", "RUN", "ENV", "CMD"].includes(instruction)) {
      stages[stages.length - 1]!.steps.push({ kind: instruction as Stage["steps"][number]["kind"], args });
    }
  }
  return stages;
}

/** What `COPY . .` sees: the repo's files (a clone's, and any not committed yet), less .dockerignore's. */
function buildContextFiles(): string[] {
  const ignored = readFileSync(join(APP_DIR, ".dockerignore"), "utf8").split("\n").filter(Boolean);
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: APP_DIR, encoding: "utf8" })
    .split("\n")
    .filter((path) => path !== "" && existsSync(join(APP_DIR, path)))
    .filter((path) => !ignored.some((pattern) => path === pattern || path.startsWith(`${pattern}/`)));
}

async function run(command: string, cwd: string, env: Record<string, string>): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)("sh", ["-c", command], {
    cwd,
    env: { ...userShellEnv(), ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}

const scratch = mkdtempSync(join(tmpdir(), "production-install-"));
let sqld: SqldServer;
beforeAll(async () => {
  sqld = await startSqld();
});
afterAll(async () => {
  await sqld?.stop();
  // Not rmSync: the stages' node_modules take long to remove, and a blocked worker misses vitest's calls.
  await rm(scratch, { recursive: true, force: true });
});

describe("the Dockerfile's production image, built without Docker", () => {
  const stages = dockerStages(readFileSync(join(APP_DIR, "Dockerfile"), "utf8"));
  const folder = (stage: string) => join(scratch, stage);
  /** What each stage's installs printed. */
  const printed: Record<string, string> = {};

  it("has a build stage, a production install and an image that starts Strapi", () => {
    expect(stages.map((stage) => stage.name)).toEqual(["base", "build", "production-dependencies", "stage3"]);
    expect(stages[3]!.steps.find((step) => step.kind === "CMD")?.args).toBe('["node_modules/.bin/strapi", "start"]');
    expect(stages[2]!.steps.map((step) => step.args)).toContain("npx -y pnpm@9.15.9 install --prod --frozen-lockfile");
  });

  it("builds in one folder, installs production dependencies in another, and the image serves the API on sqld", async () => {
    const context = buildContextFiles();
    let command: string | undefined;
    let env: Record<string, string> = {};
    for (const stage of stages) {
      const dir = folder(stage.name);
      const parent = stages.find((other) => other.name === stage.from);
      if (parent) await copyTree(folder(parent.name), dir);
      else mkdirSync(dir, { recursive: true });
      const stageEnv: Record<string, string> = {};
      printed[stage.name] = "";
      for (const step of stage.steps) {
        if (step.kind === "ENV") {
          const [name = "", value = ""] = step.args.split("=");
          stageEnv[name] = value;
        } else if (step.kind === "RUN") {
          // The base stage's apt-get brings what this machine has: python3, make, g++.
          if (step.args.startsWith("apt-get")) continue;
          printed[stage.name] += await run(step.args, dir, stageEnv);
        } else if (step.kind === "COPY") {
          await copyStep(step.args, dir, context, folder);
        } else {
          command = JSON.parse(step.args).join(" ");
          env = stageEnv;
        }
      }
    }
    const image = folder(stages[stages.length - 1]!.name);
    // Only production dependencies: none of this project's dev tools.
    expect(existsSync(join(image, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(image, "node_modules", "typescript"))).toBe(false);
    expect(printed["production-dependencies"]).toMatch(/strapi-libsql: @strapi\/database@4\.25\.9 at .* carries the libSQL patch/);
    expect(command).toBe("node_modules/.bin/strapi start");

    const strapi = await startStrapi({
      appDir: image,
      env: { ...env, DATABASE_URL: sqld.url("ws"), TURSO_AUTH_TOKEN: sqld.authToken, SERVE_ADMIN_PANEL: "true" },
      readyTimeoutMs: 120_000,
    });
    try {
      const api = await apiWithToken(strapi.baseUrl);
      const author = await api.post("/api/authors", { data: { name: "Built once, run anywhere" } });
      expect(author.status, JSON.stringify(author.body)).toBe(200);
      expect((await api.get(`/api/authors/${author.body.data.id}`)).body.data.attributes.name).toBe("Built once, run anywhere");
      // The admin panel the build stage made is served by the image.
      expect((await fetch(`${strapi.baseUrl}/admin`)).status).toBe(200);
    } finally {
      await strapi.stop();
    }
  }, 900_000);

  it("installs with NODE_ENV=production alone, the patch checked", async () => {
    const dir = join(scratch, "node-env-production");
    mkdirSync(dir);
    for (const path of ["package.json", "pnpm-lock.yaml", "patches"]) cpSync(join(APP_DIR, path), join(dir, path), { recursive: true });
    const output = await run("npx -y pnpm@9.15.9 install --frozen-lockfile", dir, { NODE_ENV: "production" });
    expect(output).toMatch(/strapi-libsql: @strapi\/database@4\.25\.9 at .* carries the libSQL patch/);
    expect(existsSync(join(dir, "node_modules", "vitest"))).toBe(false);
  }, 300_000);
});

/** `COPY [--from=stage] <src>... <dest>`, into the stage's folder; node_modules take a while, so not synchronously. */
async function copyStep(args: string, dir: string, context: readonly string[], folder: (stage: string) => string): Promise<void> {
  const words = args.split(/\s+/);
  const from = words[0]!.startsWith("--from=") ? words.shift()!.slice("--from=".length) : undefined;
  const dest = words.pop()!;
  for (const source of words) {
    if (from) {
      const relative = source.replace(/^\/app\/?/, "");
      const target = dest === "./" || dest.endsWith("/") ? join(dir, dest, relative.split("/").pop()!) : join(dir, dest);
      await copyTree(join(folder(from), relative), target);
    } else if (source === ".") {
      for (const path of context) await cp(join(APP_DIR, path), join(dir, path), { recursive: true });
    } else {
      await cp(join(APP_DIR, source), join(dir, dest === "./" ? source : dest), { recursive: true });
    }
  }
}

/**
 * A stage's files into the next: as hard links, which read the same as a copy and take no time
 * for a node_modules of 1,300 packages. Symbolic links (pnpm's layout) are kept as they are.
 */
async function copyTree(source: string, target: string): Promise<void> {
  await promisify(execFile)("cp", ["-a", "--link", source, target]);
}

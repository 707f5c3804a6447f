// `pnpm bench`: boots Strapi on each database target in turn (SQLite file, libSQL file, sqld over
// ws:// and http:// at each injected latency), seeds the same dataset, times the API operations
// and the boots, and writes BENCHMARKS.md with ratios against the SQLite file (and benchmarks.png when Chromium is there).
//
//   pnpm bench [--articles 300] [--requests 40] [--concurrency 8] [--latencies 0,20] [--only <substring>]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiWithToken } from "./lib/api";
import { APP_DIR, startStrapi } from "./lib/strapi-process";
import { compileServer } from "./prepare-app";
import { chartSvg, renderChartPng } from "./bench/chart";
import { seed, type DatasetSize } from "./bench/dataset";
import { OPERATIONS } from "./bench/operations";
import { benchmarksMarkdown, consoleTable, tableRows, type OperationResult, type TargetResult } from "./bench/report";
import { runAtConcurrency } from "./bench/stats";
import { allTargets, type Target } from "./bench/targets";

interface Options extends DatasetSize {
  requests: number;
  concurrency: number;
  latencies: number[];
  only?: string;
}

function parseArgs(args: string[]): Options {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const known = new Set(["--articles", "--requests", "--concurrency", "--latencies", "--only"]);
  for (let i = 0; i < args.length; i += 2) {
    if (!known.has(args[i]!)) throw new Error(`bench: unknown argument ${args[i]} (${Array.from(known).join(", ")})`);
  }
  const int = (flag: string, fallback: number) => {
    const text = value(flag);
    const parsed = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`bench: ${flag} wants a positive integer, got ${text}`);
    return parsed;
  };
  // 300 articles keeps the whole run within ~10 minutes on 2 cores: seeding over +20 ms is the slow part.
  const articles = int("--articles", 300);
  return {
    articles,
    authors: Math.max(1, Math.round(articles / 10)),
    requests: int("--requests", 40),
    concurrency: int("--concurrency", 8),
    latencies: (value("--latencies") ?? "0,20").split(",").map(Number),
    only: value("--only"),
  };
}

const BOOT_TIMEOUT_MS = 300_000;
const STRAPI_ENV = { SERVE_ADMIN_PANEL: "false" };

async function timedBoot(env: Record<string, string>) {
  const started = performance.now();
  const strapi = await startStrapi({ env: { ...STRAPI_ENV, ...env }, readyTimeoutMs: BOOT_TIMEOUT_MS });
  return { strapi, bootMs: performance.now() - started };
}

async function benchTarget(target: Target, options: Options): Promise<TargetResult> {
  const result: TargetResult = { target: target.name, baseline: target.baseline ?? false, operations: [] };
  const db = await target.create();
  const chunks = () => db.proxy?.chunksToServer();
  try {
    const before = chunks();
    const cold = await timedBoot(db.env);
    result.coldBootMs = cold.bootMs;
    const after = chunks();
    if (before !== undefined && after !== undefined) result.coldBootRoundTrips = after - before;
    try {
      const api = await apiWithToken(cold.strapi.baseUrl);
      const seeded = await seed(api, options, options.concurrency);
      result.seedMs = seeded.seedMs;
      console.log(`  seeded ${options.authors} authors + ${options.articles} articles in ${(seeded.seedMs / 1000).toFixed(1)} s`);
      for (const op of OPERATIONS) {
        const call = async (index: number) => {
          const response = await op.run(api, seeded, index);
          if (response.status !== op.expected) throw new Error(`${op.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
        };
        // Warm-up indexes are far from the timed ones so the timed requests still touch the same rows on every target.
        await runAtConcurrency(options.concurrency, options.concurrency, (i) => call(1_000_000 + i));
        const start = chunks();
        const measured = await runAtConcurrency(options.requests, options.concurrency, call);
        const end = chunks();
        const row: OperationResult = { name: op.name, ...measured };
        if (start !== undefined && end !== undefined) row.roundTrips = (end - start) / options.requests;
        result.operations.push(row);
        console.log(`  ${op.name}: p50 ${measured.p50Ms.toFixed(1)} ms, p95 ${measured.p95Ms.toFixed(1)} ms, ${measured.requestsPerSecond.toFixed(0)} req/s`);
      }
    } finally {
      await cold.strapi.stop();
    }
    const warm = await timedBoot(db.env);
    result.warmBootMs = warm.bootMs;
    await warm.strapi.stop();
    console.log(`  boots: cold ${result.coldBootMs.toFixed(0)} ms, warm ${result.warmBootMs.toFixed(0)} ms`);
  } catch (error) {
    // One broken target must not cost the others' numbers: it shows as a failed row.
    result.error = (error as Error).message;
    console.error(`  FAILED: ${result.error.slice(0, 2000)}`);
  } finally {
    await db.dispose();
  }
  return result;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  console.log("bench: compiling the server");
  compileServer(APP_DIR);
  const targets = allTargets(options.latencies).filter((t) => t.baseline || !options.only || t.name.includes(options.only));
  const results: TargetResult[] = [];
  for (const target of targets) {
    console.log(`bench: ${target.name}`);
    results.push(await benchTarget(target, options));
  }
  const runtimeMs = performance.now() - started;
  console.log(`\n${consoleTable(tableRows(results))}\n`);
  const info = { articles: options.articles, authors: options.authors, requestsPerOperation: options.requests, concurrency: options.concurrency, runtimeMs };
  const file = join(APP_DIR, "BENCHMARKS.md");
  writeFileSync(file, benchmarksMarkdown(results, info));
  console.log(`bench: wrote ${file} (${(runtimeMs / 60_000).toFixed(1)} min)`);
  const png = join(APP_DIR, "benchmarks.png");
  try {
    if (await renderChartPng(chartSvg(results), png)) console.log(`bench: wrote ${png}`);
    else console.log("bench: no Chromium (or no results), so no benchmarks.png");
  } catch (error) {
    // The chart is optional; the table is already written.
    console.error(`bench: the chart failed: ${(error as Error).message}`);
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

main().catch((error) => {
  console.error((error as Error).stack ?? error);
  process.exitCode = 1;
});

// `pnpm bench`: boots Strapi on each database target in turn (SQLite file, libSQL file, and at
// each injected latency sqld over ws:// and http://, an embedded replica of sqld, and Postgres),
// seeds the same dataset, times the API operations and the boots, counts their statements and
// round trips, and writes BENCHMARKS.md with ratios against the SQLite file (a copy of which is
// timed beside each target: bench/side-by-side.ts), bench-results.json, and benchmarks.png when
// Chromium is there.
//
//   pnpm bench [--articles 2000] [--requests 40] [--concurrency 8] [--latencies 0,20] [--only <substring>]
//              [--before <bench-results.json of an earlier run>]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiWithToken, type StrapiApi } from "./lib/api";
import { APP_DIR, startStrapi } from "./lib/strapi-process";
import { compileServer } from "./prepare-app";
import { chartSvg, renderChartPng } from "./bench/chart";
import { seed, type DatasetSize, type Seeded } from "./bench/dataset";
import { OPERATIONS, type Operation } from "./bench/operations";
import { benchmarksMarkdown, consoleTable, header, machineDescription, tableRows, type Before, type OperationResult, type TargetResult } from "./bench/report";
import { readBefore, writeResults } from "./bench/results-file";
import { STATEMENT_COUNTER_ENV, statementCount } from "./bench/statement-count";
import { measuredRoundTripMs } from "./bench/round-trip";
import { runAlternately, runAtConcurrency } from "./bench/stats";
import { startSideBySide, type SideBySide } from "./bench/side-by-side";
import { allTargets, type Target, type TargetDatabase } from "./bench/targets";
import type { TcpProxy } from "./lib/tcp-proxy";

interface Options extends DatasetSize {
  requests: number;
  concurrency: number;
  latencies: number[];
  only?: string;
  before?: Before;
}

function parseArgs(args: string[]): Options {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const known = new Set(["--articles", "--requests", "--concurrency", "--latencies", "--only", "--before"]);
  for (let i = 0; i < args.length; i += 2) {
    if (!known.has(args[i]!)) throw new Error(`bench: unknown argument ${args[i]} (${Array.from(known).join(", ")})`);
  }
  const int = (flag: string, fallback: number) => {
    const text = value(flag);
    const parsed = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`bench: ${flag} wants a positive integer, got ${text}`);
    return parsed;
  };
  // The issue's dataset; seeding runs without the added latency, so it is minutes, not the run.
  const articles = int("--articles", 2000);
  return {
    articles,
    authors: Math.max(1, Math.round(articles / 10)),
    requests: int("--requests", 40),
    concurrency: int("--concurrency", 8),
    latencies: (value("--latencies") ?? "0,20").split(",").map(Number),
    only: value("--only"),
    // Read up front: a bad file should fail in a second, not after the whole run.
    before: value("--before") === undefined ? undefined : readBefore(value("--before")!),
  };
}

const BOOT_TIMEOUT_MS = 300_000;
const STRAPI_ENV = { SERVE_ADMIN_PANEL: "false", ...STATEMENT_COUNTER_ENV };

/** A boot, its time to /_health, and what it cost: statements, and round trips through the proxy if there is one. */
async function measuredBoot(env: Record<string, string>, proxy: TcpProxy | undefined) {
  const roundTripsBefore = proxy?.roundTrips();
  const started = performance.now();
  const strapi = await startStrapi({ env: { ...STRAPI_ENV, ...env }, readyTimeoutMs: BOOT_TIMEOUT_MS });
  const bootMs = performance.now() - started;
  const roundTrips = proxy && roundTripsBefore !== undefined ? proxy.roundTrips() - roundTripsBefore : undefined;
  try {
    // The counter runs from process start, so right after /_health it is the boot's count.
    return { strapi, bootMs, roundTrips, statements: await statementCount(strapi.baseUrl) };
  } catch (error) {
    await strapi.stop();
    throw error;
  }
}

/** One request of `op`, failing the run on an unexpected status rather than timing an error page. */
const checkedCall = (op: Operation, api: StrapiApi, seeded: Seeded) => async (index: number) => {
  const response = await op.run(api, seeded, index);
  if (response.status !== op.expected) throw new Error(`${op.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
};

const perRequest = (start: number | undefined, end: number | undefined, requests: number) =>
  start === undefined || end === undefined ? undefined : (end - start) / requests;

interface TimedStrapi {
  api: StrapiApi;
  seeded: Seeded;
  baseUrl: string;
  /** Round trips through the target's proxy so far; undefined without one. */
  roundTrips(): number | undefined;
}

/** One operation's row: its latency one request at a time, then its throughput under load. */
async function timeOperation(op: Operation, target: TimedStrapi, beside: SideBySide | undefined, options: Options): Promise<OperationResult> {
  const call = checkedCall(op, target.api, target.seeded);
  const besideCall = beside && checkedCall(op, beside.api, beside.seeded);
  // Warm-up indexes are far from the timed ones so the timed requests still touch the same rows on every target.
  const warmUp = (run: (index: number) => Promise<void>) => runAtConcurrency(options.concurrency, options.concurrency, (i) => run(1_000_000 + i));
  await warmUp(call);
  if (besideCall) await warmUp(besideCall);
  // Latency one request at a time: what a request costs, which the issue's goal (its round
  // trips × RTT + the file's time) describes. Under load, requests also queue for each other,
  // and SQLite's one writer per database makes writes queue longest: the second pass measures
  // that, as throughput.
  const startStatements = await statementCount(target.baseUrl);
  const startRoundTrips = target.roundTrips();
  const [alone, besideAlone] = besideCall
    ? await runAlternately(options.requests, call, besideCall)
    : [await runAtConcurrency(options.requests, 1, call), undefined];
  const endRoundTrips = target.roundTrips();
  const endStatements = await statementCount(target.baseUrl);
  const loadedPass = (run: (index: number) => Promise<void>) => runAtConcurrency(options.requests, options.concurrency, (i) => run(2_000_000 + i));
  const loaded = await loadedPass(call);
  const besideLoaded = besideCall && (await loadedPass(besideCall));
  return {
    name: op.name,
    requests: options.requests,
    p50Ms: alone.p50Ms,
    p95Ms: alone.p95Ms,
    requestsPerSecond: loaded.requestsPerSecond,
    loadedP50Ms: loaded.p50Ms,
    statements: perRequest(startStatements, endStatements, options.requests),
    roundTrips: perRequest(startRoundTrips, endRoundTrips, options.requests),
    baselineBeside: besideAlone && besideLoaded && { ...besideAlone, requestsPerSecond: besideLoaded.requestsPerSecond },
  };
}

/** `sideBySide`: the baseline to time beside the target's operations; none for the baseline itself. */
async function benchTarget(target: Target, options: Options, sideBySide?: Target): Promise<TargetResult> {
  const result: TargetResult = { target: target.name, baseline: target.baseline ?? false, roundTripMs: target.roundTripMs, operations: [] };
  let db: TargetDatabase | undefined;
  try {
    db = await target.create();
    const proxy = db.proxy;
    const roundTrips = () => proxy?.roundTrips();
    const cold = await measuredBoot(db.env, proxy);
    const strapi = cold.strapi;
    result.coldBootMs = cold.bootMs;
    result.coldBootRoundTrips = cold.roundTrips;
    result.coldBootStatements = cold.statements;
    try {
      const api = await apiWithToken(strapi.baseUrl);
      // The dataset is seeded without the added latency: it is the same rows on every target, and
      // seeding 2,000 articles at +20 ms would be most of the run. Boots and operations pay it.
      proxy?.setLatency(0);
      const seeded = await seed(api, options, options.concurrency);
      proxy?.setLatency((target.roundTripMs ?? 0) / 2);
      result.seedMs = seeded.seedMs;
      console.log(`  seeded ${options.authors} authors + ${options.articles} articles in ${(seeded.seedMs / 1000).toFixed(1)} s`);
      if (target.roundTripMs !== undefined) result.measuredRoundTripMs = await measuredRoundTripMs(target.roundTripMs);
      if (sideBySide) console.log(`  seeding ${sideBySide.name} to time beside it`);
      const beside = sideBySide && (await startSideBySide(sideBySide, STRAPI_ENV, options, options.concurrency, BOOT_TIMEOUT_MS));
      try {
        for (const op of OPERATIONS) {
          const row = await timeOperation(op, { api, seeded, baseUrl: strapi.baseUrl, roundTrips }, beside, options);
          result.operations.push(row);
          const counts = `${row.statements?.toFixed(1)} statements${row.roundTrips === undefined ? "" : `, ${row.roundTrips.toFixed(1)} round trips`} / request`;
          const besideText = row.baselineBeside ? `; the baseline beside it: p50 ${row.baselineBeside.p50Ms.toFixed(1)} ms` : "";
          console.log(`  ${op.name}: p50 ${row.p50Ms.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms alone; ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.loadedP50Ms?.toFixed(1)} ms at ${options.concurrency}; ${counts}${besideText}`);
        }
      } finally {
        await beside?.stop();
      }
    } catch (error) {
      // What Strapi said is usually the why of a failed request ("fetch failed" says nothing).
      console.error(`  Strapi's last output:\n${strapi.output().slice(-3000)}`);
      throw error;
    } finally {
      await strapi.stop();
    }
    const warm = await measuredBoot(db.env, proxy);
    await warm.strapi.stop();
    result.warmBootMs = warm.bootMs;
    result.warmBootRoundTrips = warm.roundTrips;
    result.warmBootStatements = warm.statements;
    console.log(`  boots: cold ${cold.bootMs.toFixed(0)} ms, warm ${warm.bootMs.toFixed(0)} ms`);
  } catch (error) {
    // One broken target must not cost the others' numbers: it shows as a failed row.
    const cause = (error as Error).cause;
    result.error = (error as Error).message + (cause instanceof Error ? ` (${cause.message})` : "");
    console.error(`  FAILED: ${result.error.slice(0, 2000)}`);
  } finally {
    await db?.dispose();
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
  const baseline = targets.find((t) => t.baseline);
  for (const target of targets) {
    console.log(`bench: ${target.name}`);
    results.push(await benchTarget(target, options, target === baseline ? undefined : baseline));
  }
  const runtimeMs = performance.now() - started;
  console.log(`\n${consoleTable(header(options.before?.roundTrips), tableRows(results, options.before?.roundTrips))}\n`);
  const info = { articles: options.articles, authors: options.authors, requestsPerOperation: options.requests, concurrency: options.concurrency, runtimeMs, code: gitDescribe() };
  const file = join(APP_DIR, "BENCHMARKS.md");
  writeFileSync(file, benchmarksMarkdown(results, info, options.before));
  const json = join(APP_DIR, "bench-results.json");
  writeResults(json, results, info, machineDescription());
  console.log(`bench: wrote ${file} and ${json} (${(runtimeMs / 60_000).toFixed(1)} min)`);
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

/** Which code the numbers belong to, so that a later `--before` can say so. */
function gitDescribe(): string | undefined {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { cwd: APP_DIR, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

main().catch((error) => {
  console.error((error as Error).stack ?? error);
  process.exitCode = 1;
});

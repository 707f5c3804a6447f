// Turns results into the ratio table (against the baseline target) and BENCHMARKS.md. Ratios
// are the headline because absolute times say more about this machine than about the database.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Measured } from "./stats";

export interface OperationResult extends Measured {
  name: string;
  /** Client-to-server chunks through the proxy per request; undefined for in-process targets. */
  roundTrips?: number;
}

export interface TargetResult {
  target: string;
  baseline: boolean;
  coldBootMs?: number;
  warmBootMs?: number;
  coldBootRoundTrips?: number;
  seedMs?: number;
  operations: OperationResult[];
  error?: string;
}

export interface RunInfo {
  articles: number;
  authors: number;
  requestsPerOperation: number;
  concurrency: number;
  runtimeMs: number;
}

export function machineDescription(): string[] {
  let cpu = "unknown";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    // not Linux: leave it unknown rather than fail the benchmark
  }
  return [`- CPU: ${cpu}`, `- nproc: ${availableParallelism()}`, `- Node: ${process.version}`, `- Date: ${new Date().toISOString()}`];
}

const ms = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(value < 10 ? 1 : 0));
const ratio = (value: number | undefined, base: number | undefined) =>
  value === undefined || base === undefined || base === 0 ? "–" : `${(value / base).toFixed(2)}×`;
const count = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(1));

const HEADER = ["target", "operation", "p50 ×", "p95 ×", "req/s ×", "p50 ms", "p95 ms", "req/s", "round trips"];

/** Rows of the table: boots first, then each operation, for every target, ratios against the baseline's same row. */
export function tableRows(results: TargetResult[]): string[][] {
  const base = results.find((r) => r.baseline);
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error) {
      rows.push([r.target, `failed: ${r.error.split("\n")[0]!.slice(0, 120)}`, "", "", "", "", "", "", ""]);
      continue;
    }
    rows.push([r.target, "cold boot (empty db → /_health)", ratio(r.coldBootMs, base?.coldBootMs), "", "", ms(r.coldBootMs), "", "", count(r.coldBootRoundTrips)]);
    rows.push([r.target, "warm boot (same db)", ratio(r.warmBootMs, base?.warmBootMs), "", "", ms(r.warmBootMs), "", "", ""]);
    for (const op of r.operations) {
      const b = base?.operations.find((o) => o.name === op.name);
      rows.push([
        r.target,
        op.name,
        ratio(op.p50Ms, b?.p50Ms),
        ratio(op.p95Ms, b?.p95Ms),
        ratio(op.requestsPerSecond, b?.requestsPerSecond),
        ms(op.p50Ms),
        ms(op.p95Ms),
        op.requestsPerSecond.toFixed(0),
        count(op.roundTrips),
      ]);
    }
  }
  return rows;
}

export function markdownTable(rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(HEADER), line(HEADER.map((_, i) => (i < 2 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** Padded columns for the terminal, where a markdown table is hard to read. */
export function consoleTable(rows: string[][]): string {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

export function benchmarksMarkdown(results: TargetResult[], info: RunInfo): string {
  const base = results.find((r) => r.baseline)?.target ?? "the baseline";
  return `# Benchmarks

Written by \`pnpm bench\` (scripts/bench.ts). Rerun it to refresh this file; numbers from another machine are not
comparable, only the ratios roughly are.

## Machine

${machineDescription().join("\n")}

## Setup

- Strapi 4.25.9 \`strapi start\` with \`SERVE_ADMIN_PANEL=false\`, one process per target, on 127.0.0.1.
- Dataset, seeded through the REST API with a fixed seed: ${info.authors} authors, ${info.articles} articles
  (\`--articles ${info.articles}\`; the issue's 2,000 is \`--articles 2000\`).
- Each operation: ${info.requestsPerOperation} timed requests at concurrency ${info.concurrency}, after ${info.concurrency} untimed warm-up requests.
- Ratios (×) are against **${base}** for the same row: for p50/p95 lower is better, for req/s higher is better.
- sqld targets go through a TCP proxy that adds half the stated round trip in each direction. "round trips" is the
  number of chunks the client sent per request through that proxy (a Hrana HTTP request or WebSocket message is
  usually one chunk), so it approximates database round trips per API request; the file targets have no proxy.
- Boot times are from spawning \`strapi start\` to the first 204 from \`/_health\` (polled every 100 ms).
  The cold boot runs Strapi's schema sync on an empty database; the warm boot restarts on the seeded one.
- Postgres is not benchmarked: the \`pg\` driver is not a dependency of this app.
- Total runtime: ${(info.runtimeMs / 60_000).toFixed(1)} min.

## Results

${markdownTable(tableRows(results))}
`;
}

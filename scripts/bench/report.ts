// Turns results into the ratio table (against the baseline target) and BENCHMARKS.md. Ratios
// are the headline because absolute times say more about this machine than about the database.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Measured } from "./stats";

export interface OperationResult extends Measured {
  name: string;
  /** Request/response turns through the proxy per request; undefined for targets without one. */
  roundTrips?: number;
  /** SQL statements knex ran per request. */
  statements?: number;
  /** p50 while `concurrency` requests are in flight, the pass that gives requests/s (p50Ms is one at a time). */
  loadedP50Ms?: number;
  /**
   * The baseline's same operation on its own copy of the dataset, timed alternately with this
   * one (p50, p95) and right after its loaded pass (requests/s): side-by-side.ts.
   */
  baselineBeside?: Measured;
}

/** What an operation's ratios are against: the baseline timed beside it, else the baseline's own pass. */
export function baselineOf(op: OperationResult, base: TargetResult | undefined): Measured | undefined {
  return op.baselineBeside ?? base?.operations.find((o) => o.name === op.name);
}

export interface TargetResult {
  target: string;
  baseline: boolean;
  /** The round trip the proxy added; undefined for targets without one. */
  roundTripMs?: number;
  /** What that round trip measured (round-trip.ts), just before the operations. */
  measuredRoundTripMs?: number;
  coldBootMs?: number;
  warmBootMs?: number;
  coldBootRoundTrips?: number;
  warmBootRoundTrips?: number;
  coldBootStatements?: number;
  warmBootStatements?: number;
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
  /** The commit the run measured (`git describe --always --dirty`). */
  code?: string;
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

export const COLD_BOOT = "cold boot (empty db → /_health)";
export const WARM_BOOT = "warm boot (same db)";

/** Round trips of an earlier run, by target and row (operation or boot); see results-file.ts. */
export type RoundTripsBefore = (target: string, operation: string) => number | undefined;

export function header(before?: RoundTripsBefore): string[] {
  const columns = ["target", "operation", "p50 ×", "p95 ×", "req/s ×", "vs target", "p50 ms", "baseline p50 ms", "p95 ms", "req/s", "p50 ms under load", "statements / request", "round trips / request"];
  return before ? [...columns, "round trips before"] : columns;
}

/**
 * The issue's goal for a remote row: no slower than its round trips at the added latency plus
 * what the same row costs on the SQLite file. 1.00× meets it exactly; the goal is ≤ 1.2×.
 */
function vsTarget(measuredMs: number | undefined, roundTrips: number | undefined, roundTripMs: number | undefined, baselineMs: number | undefined): string {
  if (measuredMs === undefined || roundTrips === undefined || roundTripMs === undefined || baselineMs === undefined) return "–";
  return ratio(measuredMs, roundTrips * roundTripMs + baselineMs);
}

/** Rows of the table: boots first, then each operation, for every target, ratios against the baseline's same row. */
export function tableRows(results: TargetResult[], before?: RoundTripsBefore): string[][] {
  const base = results.find((r) => r.baseline);
  const width = header(before).length;
  const rows: string[][] = [];
  for (const r of results) {
    const tail = (operation: string) => (before ? [count(before(r.target, operation))] : []);
    if (r.error) {
      const row = [r.target, `failed: ${r.error.split("\n")[0]!.slice(0, 160)}`];
      rows.push([...row, ...new Array<string>(width - row.length).fill("")]);
      continue;
    }
    const boot = (label: string, bootMs: number | undefined, baseMs: number | undefined, statements: number | undefined, roundTrips: number | undefined) => [
      r.target,
      label,
      ratio(bootMs, baseMs),
      "",
      "",
      vsTarget(bootMs, roundTrips, r.measuredRoundTripMs ?? r.roundTripMs, baseMs),
      ms(bootMs),
      ms(baseMs),
      "",
      "",
      "",
      count(statements),
      count(roundTrips),
      ...tail(label),
    ];
    rows.push(boot(COLD_BOOT, r.coldBootMs, base?.coldBootMs, r.coldBootStatements, r.coldBootRoundTrips));
    rows.push(boot(WARM_BOOT, r.warmBootMs, base?.warmBootMs, r.warmBootStatements, r.warmBootRoundTrips));
    for (const op of r.operations) {
      const b = baselineOf(op, base);
      rows.push([
        r.target,
        op.name,
        ratio(op.p50Ms, b?.p50Ms),
        ratio(op.p95Ms, b?.p95Ms),
        ratio(op.requestsPerSecond, b?.requestsPerSecond),
        vsTarget(op.p50Ms, op.roundTrips, r.measuredRoundTripMs ?? r.roundTripMs, b?.p50Ms),
        ms(op.p50Ms),
        ms(b?.p50Ms),
        ms(op.p95Ms),
        op.requestsPerSecond.toFixed(0),
        ms(op.loadedP50Ms),
        count(op.statements),
        count(op.roundTrips),
        ...tail(op.name),
      ]);
    }
  }
  return rows;
}

export function markdownTable(columns: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(columns), line(columns.map((_, i) => (i < 2 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** Padded columns for the terminal, where a markdown table is hard to read. */
export function consoleTable(columns: string[], rows: string[][]): string {
  const all = [columns, ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

/** An earlier run's round trips to show beside this one's, and the file they came from. */
export interface Before {
  file: string;
  /** The commit the earlier run measured, when its file says. */
  code?: string;
  roundTrips: RoundTripsBefore;
}

/** "+20 ms measured 20.8–21.0 ms": the range over the targets at each latency. */
function measuredTrips(results: TargetResult[]): string {
  const byLatency = new Map<number, number[]>();
  for (const r of results) {
    if (r.roundTripMs === undefined || r.measuredRoundTripMs === undefined) continue;
    byLatency.set(r.roundTripMs, [...(byLatency.get(r.roundTripMs) ?? []), r.measuredRoundTripMs]);
  }
  if (byLatency.size === 0) return "none measured";
  return Array.from(byLatency, ([nominal, measured]) => {
    const [low, high] = [Math.min(...measured).toFixed(1), Math.max(...measured).toFixed(1)];
    return `+${nominal} ms measured ${low === high ? low : `${low}–${high}`} ms`;
  }).join(", ");
}

export function benchmarksMarkdown(results: TargetResult[], info: RunInfo, before?: Before): string {
  const base = results.find((r) => r.baseline)?.target ?? "the baseline";
  const beforeNote = before
    ? `\n- "round trips before" is the same row's round trips in \`${before.file}\` (an earlier run, e.g. on older driver code),\n  matched by target and operation.`
    : "";
  return `# Benchmarks

Written by \`pnpm bench\` (scripts/bench.ts), with the same numbers in \`bench-results.json\`. Rerun it to refresh
this file; numbers from another machine are not comparable, only the ratios roughly are.

## Machine

${machineDescription().join("\n")}

## Setup

- Strapi 4.25.9 \`strapi start\` with \`SERVE_ADMIN_PANEL=false\`, one process per target, on 127.0.0.1.
- Dataset, seeded through the REST API with a fixed seed: ${info.authors} authors, ${info.articles} articles
  (\`--articles ${info.articles}\`).
- Each operation, after ${info.concurrency} untimed warm-up requests: ${info.requestsPerOperation} timed requests one at a time, which give p50, p95
  and the statement and round-trip counts; then ${info.requestsPerOperation} at concurrency ${info.concurrency}, which give req/s and "p50 ms under load".
- The dataset is seeded without the added latency (the same rows everywhere); boots and operations pay it.
- Ratios (×) are against **${base}** for the same row: for p50/p95 lower is better, for req/s higher is better.
  For an operation, that is the baseline timed beside the target ("baseline p50 ms"): a second Strapi on a fresh
  SQLite file with the same rows, its requests alternating with the target's one at a time and its loaded pass
  right after the target's, so both are timed in the same minutes. Timed only in its own pass, minutes before most
  targets, the baseline moved more than the differences it is there to show (on this machine its list p50 was 6.3,
  9.8 and 18 ms in three runs of one day). The baseline's own rows are its own pass, and boots are against its boots.
- Remote targets go through a TCP proxy that adds half the stated round trip in each direction: sqld (libSQL's
  server) over \`ws://\` and \`http://\`; an embedded replica (a local libSQL file for reads, \`TURSO_SYNC_URL\` to
  sqld for writes and syncs, which libSQL always speaks over HTTP); and Postgres (Debian's \`postgresql\`, a fresh
  cluster).
- "round trips / request" counts request/response turns through that proxy: on each connection, a turn starts
  when the client sends after the server last spoke (or before anything was said); turns on all connections are
  summed and divided by the requests. The file targets have no proxy. For the embedded replica it counts what
  the replica sends to its primary: forwarded writes and syncs.
- "statements / request" counts the SQL statements knex ran (its \`query\` event, transactions' BEGIN and COMMIT
  included), per request. The test-only fixture plugin (\`test/fixtures/libsql-fixtures\`) counts them, so it is
  on for every target: its content types add tables to the schema every boot syncs.
- For the boot rows, both counts are for the whole boot, up to the first 204 from \`/_health\`.
- "vs target" compares a remote row with the cost of its round trips: p50 (or boot time) / (round trips × the
  round trip + the SQLite file's time for the same row). The round trip is the one measured through a proxy like the
  target's just before its operations (p50 of 50 one-byte echoes): ${measuredTrips(results)}. 1.00× means it costs just its round trips more than the file. It uses the one-at-a-time p50, the cost of a
  request; under load requests also queue for each other, and writes for SQLite's one writer per database,
  which "p50 ms under load" and req/s show.
- Boot times are from spawning \`strapi start\` to the first 204 from \`/_health\` (polled every 100 ms).
  The cold boot runs Strapi's schema sync on an empty database; the warm boot restarts on the seeded one.${beforeNote}
- Total runtime: ${(info.runtimeMs / 60_000).toFixed(1)} min.

## Results

${markdownTable(header(before?.roundTrips), tableRows(results, before?.roundTrips))}
`;
}

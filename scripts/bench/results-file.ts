// bench-results.json: the run's numbers for other tools, and for `--before`, which puts an
// earlier run's round trips (say, on older driver code) beside this run's.
import { readFileSync, writeFileSync } from "node:fs";
import { COLD_BOOT, WARM_BOOT, type Before, type RunInfo, type TargetResult } from "./report";

interface ResultsFile {
  info: RunInfo;
  machine: string[];
  results: TargetResult[];
}

export function writeResults(file: string, results: TargetResult[], info: RunInfo, machine: string[]): void {
  const content: ResultsFile = { info, machine, results };
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
}

/** Keys rows the way the table labels them, so a boot matches a boot and an operation its namesake. */
const key = (target: string, operation: string) => `${target}\u0000${operation}`;

export function readBefore(file: string): Before {
  let parsed: Partial<ResultsFile>;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ResultsFile>;
  } catch (error) {
    throw new Error(`bench: --before ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed.results)) throw new Error(`bench: --before ${file} has no "results" list; give a bench-results.json`);
  const roundTrips = new Map<string, number | undefined>();
  for (const r of parsed.results) {
    roundTrips.set(key(r.target, COLD_BOOT), r.coldBootRoundTrips);
    roundTrips.set(key(r.target, WARM_BOOT), r.warmBootRoundTrips);
    for (const op of r.operations ?? []) roundTrips.set(key(r.target, op.name), op.roundTrips);
  }
  return { file, code: parsed.info?.code, roundTrips: (target, operation) => roundTrips.get(key(target, operation)) };
}

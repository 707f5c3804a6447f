import { describe, expect, it } from "vitest";
import { header, tableRows, type OperationResult, type TargetResult } from "./report";

const op = (p50Ms: number, extra: Partial<OperationResult> = {}): OperationResult => ({
  name: "get one",
  requests: 40,
  p50Ms,
  p95Ms: p50Ms * 2,
  requestsPerSecond: 1000 / p50Ms,
  ...extra,
});

const target = (name: string, operation: OperationResult, extra: Partial<TargetResult> = {}): TargetResult => ({
  target: name,
  baseline: false,
  coldBootMs: 1000,
  warmBootMs: 500,
  operations: [operation],
  ...extra,
});

const cell = (rows: string[][], targetName: string, column: string) =>
  rows.find((row) => row[0] === targetName && row[1] === "get one")![header().indexOf(column)];

describe("tableRows", () => {
  const base = target("SQLite file", op(2), { baseline: true });

  it("puts an operation against the baseline timed beside it when there is one", () => {
    const beside = { requests: 40, p50Ms: 4, p95Ms: 8, requestsPerSecond: 250 };
    const rows = tableRows([base, target("remote", op(48, { roundTrips: 2, baselineBeside: beside }), { roundTripMs: 20 })]);
    expect(cell(rows, "remote", "p50 ×")).toBe("12.00×");
    expect(cell(rows, "remote", "baseline p50 ms")).toBe("4.0");
    // (2 round trips × 20 ms + the 4 ms beside it) is the goal: 48 / 44.
    expect(cell(rows, "remote", "vs target")).toBe("1.09×");
  });

  it("falls back to the baseline's own pass for a result without one (an older bench-results.json)", () => {
    const rows = tableRows([base, target("remote", op(6))]);
    expect(cell(rows, "remote", "p50 ×")).toBe("3.00×");
    expect(cell(rows, "remote", "baseline p50 ms")).toBe("2.0");
  });
});

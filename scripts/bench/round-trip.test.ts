import { describe, expect, it } from "vitest";
import { measuredRoundTripMs } from "./round-trip";

describe("measuredRoundTripMs", () => {
  it("measures at least the round trip the proxy adds, and next to nothing without one", async () => {
    expect(await measuredRoundTripMs(20, 10)).toBeGreaterThanOrEqual(20);
    expect(await measuredRoundTripMs(0, 10)).toBeLessThan(20);
  });
});

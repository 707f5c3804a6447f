import { describe, expect, it } from "vitest";
import { runAlternately } from "./stats";

describe("runAlternately", () => {
  it("runs the two sides' requests in turn, one at a time, and measures each side on its own", async () => {
    const order: string[] = [];
    let inFlight = 0;
    const side = (name: string, ms: number) => async (index: number) => {
      inFlight++;
      expect(inFlight).toBe(1);
      order.push(`${name}${index}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
    };
    const [slow, fast] = await runAlternately(3, side("a", 30), side("b", 0));
    expect(order).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
    expect(slow.requests).toBe(3);
    // Each side's p50 is its own: a 30 ms timer never fires early, and the other side's did not wait 30 ms.
    expect(slow.p50Ms).toBeGreaterThanOrEqual(29);
    expect(fast.p50Ms).toBeLessThan(slow.p50Ms);
  });
});

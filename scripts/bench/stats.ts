// Latency statistics and a fixed-concurrency load loop: the numbers the benchmark reports.

export interface Measured {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  requestsPerSecond: number;
}

/** Nearest-rank percentile: a value that was actually observed, not an interpolation. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sortedMs.length);
  return sortedMs[Math.min(sortedMs.length, Math.max(1, rank)) - 1]!;
}

/**
 * Runs `task(0..count-1)` with `concurrency` workers pulling the next index, so a slow request
 * never leaves a worker idle; requests/s is over the whole wall time, not summed latencies.
 */
export async function runAtConcurrency(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await task(index);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return measured(latencies, performance.now() - started);
}

/** p50 and p95 of `latencies`, and requests/s over `elapsedMs`. */
function measured(latencies: number[], elapsedMs: number): Measured {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { requests: latencies.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), requestsPerSecond: (latencies.length / elapsedMs) * 1000 };
}

/**
 * One request at a time, `first(i)` then `second(i)` for each index, so that both are timed over
 * the same stretch of the machine's time: on a shared machine a baseline timed minutes apart
 * moves by more than the differences it is there to show. requests/s is over summed latencies.
 */
export async function runAlternately(
  count: number,
  first: (index: number) => Promise<void>,
  second: (index: number) => Promise<void>,
): Promise<[Measured, Measured]> {
  const latencies: [number[], number[]] = [[], []];
  for (let index = 0; index < count; index++) {
    for (const [side, task] of [first, second].entries()) {
      const t0 = performance.now();
      await task(index);
      latencies[side]!.push(performance.now() - t0);
    }
  }
  const summed = (ms: number[]) => ms.reduce((sum, value) => sum + value, 0);
  return [measured(latencies[0], summed(latencies[0])), measured(latencies[1], summed(latencies[1]))];
}

// The baseline timed beside each target: a fresh Strapi on the baseline's database, seeded with
// the same rows, whose every operation is timed alternately with the target's. The baseline's
// own pass runs minutes before most targets, and on a shared machine its 2-10 ms operations
// move between passes by more than the differences the ratios are there to show.
import { apiWithToken, type StrapiApi } from "../lib/api";
import { startStrapi, type StrapiProcess } from "../lib/strapi-process";
import { seed, type DatasetSize, type Seeded } from "./dataset";
import type { Target } from "./targets";

export interface SideBySide {
  api: StrapiApi;
  seeded: Seeded;
  stop(): Promise<void>;
}

export async function startSideBySide(
  baseline: Target,
  strapiEnv: Record<string, string>,
  size: DatasetSize,
  concurrency: number,
  readyTimeoutMs: number,
): Promise<SideBySide> {
  const db = await baseline.create();
  let strapi: StrapiProcess | undefined;
  try {
    strapi = await startStrapi({ env: { ...strapiEnv, ...db.env }, readyTimeoutMs });
    const api = await apiWithToken(strapi.baseUrl);
    const seeded = await seed(api, size, concurrency);
    const running = strapi;
    return {
      api,
      seeded,
      stop: async () => {
        await running.stop();
        await db.dispose();
      },
    };
  } catch (error) {
    await strapi?.stop();
    await db.dispose();
    throw error;
  }
}

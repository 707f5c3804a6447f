// The fixed dataset, seeded through the REST API as a client would: the same titles, bodies,
// views and author links on every run and every target, so targets differ only in the database.
import type { StrapiApi } from "../lib/api";
import { runAtConcurrency } from "./stats";

/** mulberry32: a tiny seeded PRNG; Math.random would make two runs (and two targets) differ. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DatasetSize {
  authors: number;
  articles: number;
}

export interface Seeded {
  authorIds: number[];
  articleIds: number[];
  seedMs: number;
}

export function articleData(index: number, authorId: number, random: () => number) {
  return {
    title: `Article ${index}`,
    body: `Body of article ${index}. `.repeat(1 + Math.floor(random() * 20)),
    views: Math.floor(random() * 10_000),
    author: authorId,
  };
}

async function created(api: StrapiApi, path: string, data: unknown): Promise<number> {
  const response = await api.post(path, { data });
  if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data.id as number;
}

/** Authors first (articles point at them); ids kept in seed order so index i always maps to the same row. */
export async function seed(api: StrapiApi, size: DatasetSize, concurrency: number): Promise<Seeded> {
  const started = performance.now();
  const authorIds: number[] = new Array(size.authors);
  await runAtConcurrency(size.authors, concurrency, async (i) => {
    authorIds[i] = await created(api, "/api/authors", { name: `Author ${i}` });
  });
  // Drawn up front: with concurrent workers, drawing inside the task would tie values to timing.
  const random = seededRandom(7);
  const rows = Array.from({ length: size.articles }, (_, i) => articleData(i, authorIds[Math.floor(random() * size.authors)]!, random));
  const articleIds: number[] = new Array(size.articles);
  await runAtConcurrency(size.articles, concurrency, async (i) => {
    articleIds[i] = await created(api, "/api/articles", rows[i]);
  });
  return { authorIds, articleIds, seedMs: performance.now() - started };
}

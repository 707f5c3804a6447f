// The API operations timed on every target. Each takes a request index and picks its row or
// page from it, so every target sees the same sequence of requests.
import type { ApiResponse, StrapiApi } from "../lib/api";
import type { Seeded } from "./dataset";

export interface Operation {
  name: string;
  run(api: StrapiApi, data: Seeded, index: number): Promise<ApiResponse>;
  /** The status a correct answer has; anything else fails the run rather than timing an error page. */
  expected: number;
}

const PAGE_SIZE = 25;

const pick = <T>(items: T[], index: number): T => items[(index * 7919) % items.length]!;

export const OPERATIONS: Operation[] = [
  {
    name: "list (populate author, 25)",
    expected: 200,
    run: (api, data, i) => {
      const pages = Math.max(1, Math.ceil(data.articleIds.length / PAGE_SIZE));
      return api.get(`/api/articles?populate=author&pagination[page]=${(i % pages) + 1}&pagination[pageSize]=${PAGE_SIZE}`);
    },
  },
  {
    name: "get one",
    expected: 200,
    run: (api, data, i) => api.get(`/api/articles/${pick(data.articleIds, i)}`),
  },
  {
    name: "filter + sort + page",
    expected: 200,
    run: (api, _data, i) =>
      api.get(`/api/articles?filters[views][$gte]=${(i * 997) % 5000}&sort=views:desc&pagination[page]=${(i % 3) + 1}&pagination[pageSize]=10`),
  },
  {
    name: "create",
    expected: 200,
    run: (api, data, i) =>
      api.post("/api/articles", { data: { title: `Bench ${i}`, body: `Created by the benchmark, request ${i}.`, views: i, author: pick(data.authorIds, i) } }),
  },
  {
    name: "update",
    expected: 200,
    run: (api, data, i) => api.put(`/api/articles/${pick(data.articleIds, i)}`, { data: { views: 10_000 + i } }),
  },
];

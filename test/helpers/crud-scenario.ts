// The scenario a Strapi user runs first: content with a relation, read back populated,
// searched, filtered, updated and deleted through the REST API.
import { expect } from "vitest";
import type { StrapiApi } from "./api";

export async function runCrudScenario(api: StrapiApi, tag: string): Promise<void> {
  const author = await api.post("/api/authors", { data: { name: `Grace ${tag}` } });
  expect(author.status, JSON.stringify(author.body)).toBe(200);
  const authorId = author.body.data.id as number;

  const created = await api.post("/api/articles", {
    data: { title: `Hello libSQL ${tag}`, body: "Strapi on SQLite over the network", views: 3, author: authorId },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const articleId = created.body.data.id as number;
  await api.post("/api/articles", { data: { title: `Other ${tag}`, body: "unrelated", views: 1 } });

  const read = await api.get(`/api/articles/${articleId}?populate=author`);
  expect(read.status).toBe(200);
  expect(read.body.data.attributes).toMatchObject({ title: `Hello libSQL ${tag}`, views: 3 });
  expect(read.body.data.attributes.author.data).toMatchObject({ id: authorId, attributes: { name: `Grace ${tag}` } });

  // `_q` goes through Strapi's applySearch, which switches on the dialect name.
  const searched = await api.get(`/api/articles?_q=${encodeURIComponent(`libSQL ${tag}`)}`);
  expect(searched.status).toBe(200);
  expect(searched.body.data.map((entry: { id: number }) => entry.id)).toEqual([articleId]);

  const filtered = await api.get(`/api/articles?filters[title][$containsi]=${encodeURIComponent(`HELLO LIBSQL ${tag}`)}`);
  expect(filtered.body.data.map((entry: { id: number }) => entry.id)).toEqual([articleId]);

  const byAuthor = await api.get(`/api/articles?filters[author][name][$eq]=${encodeURIComponent(`Grace ${tag}`)}`);
  expect(byAuthor.body.data.map((entry: { id: number }) => entry.id)).toEqual([articleId]);

  const updated = await api.put(`/api/articles/${articleId}`, { data: { views: 4 } });
  expect(updated.status).toBe(200);
  expect((await api.get(`/api/articles/${articleId}`)).body.data.attributes.views).toBe(4);

  const removed = await api.delete(`/api/articles/${articleId}`);
  expect(removed.status).toBe(200);
  expect((await api.get(`/api/articles/${articleId}`)).status).toBe(404);
  const authorAfter = await api.get(`/api/authors/${authorId}?populate=articles`);
  expect(authorAfter.body.data.attributes.articles.data).toEqual([]);
}

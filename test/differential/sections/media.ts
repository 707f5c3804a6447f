// Uploads through the content API (an API token), as a client app does.
import { keepId, type ScenarioContext } from "../context";
import { png, uploadForm } from "../files";

/** Notes the files an upload wrote into public/uploads (the original and any resized format). */
export function rememberUploads(ctx: ScenarioContext, files: unknown): void {
  for (const file of Array.isArray(files) ? files : []) {
    ctx.session.uploads.push(file.url, ...Object.values<{ url: string }>(file.formats ?? {}).map((format) => format.url));
  }
}

export async function uploads(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { api } = session;

  const image = await t.step(
    "upload a PNG",
    api.postForm("/api/upload", uploadForm({ name: "pixel.png", type: "image/png", content: png(3, 2) }, { alternativeText: "a pixel", caption: "tiny" })),
  );
  keepId(ctx, "file pixel.png", image, (body) => body?.[0]?.id);
  const text = await t.step(
    "upload a text file",
    api.postForm("/api/upload", uploadForm({ name: "notes.txt", type: "text/plain", content: Buffer.from("plain text ✓\n") }, {})),
  );
  keepId(ctx, "file notes.txt", text, (body) => body?.[0]?.id);
  rememberUploads(ctx, image.body);
  rememberUploads(ctx, text.body);

  await t.step("read one file", api.get(`/api/upload/files/${ctx.ids.get("file pixel.png")}`));
  await t.step("list files by name", api.get("/api/upload/files?sort=name:asc"));
}

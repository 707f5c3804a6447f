// The Media Library (admin API): folders, an upload into a folder, and moving a folder with
// its content into another. The move rewrites paths with SQL that switches on the dialect
// name (`? || SUBSTRING(...)` for "sqlite"), which libSQL keeps.
import { id, keepId, type ScenarioContext } from "../context";
import { png, uploadForm } from "../files";
import { rememberUploads } from "./media";

export async function library(ctx: ScenarioContext): Promise<void> {
  const { t, session } = ctx;
  const { admin } = session;

  const folder = async (name: string, parent: string | null) => {
    const response = await t.step(`create folder ${name}`, admin.post("/upload/folders", { name, parent: parent && id(ctx, `folder ${parent}`) }));
    keepId(ctx, `folder ${name}`, response);
  };
  await folder("Archive", null);
  await folder("Photos", null);
  await folder("Holidays", "Photos");
  await t.step("a duplicate folder name is refused", admin.post("/upload/folders", { name: "Photos", parent: null }));

  const upload = await t.step(
    "upload into Holidays",
    admin.postForm("/upload", uploadForm({ name: "beach.png", type: "image/png", content: png(4, 4, [20, 120, 220]) }, { folder: id(ctx, "folder Holidays"), alternativeText: "beach" })),
  );
  rememberUploads(ctx, upload.body);
  keepId(ctx, "file beach.png", upload, (body) => body?.[0]?.id);

  await t.step("move Photos into Archive", admin.post("/upload/actions/bulk-move", {
    destinationFolderId: id(ctx, "folder Archive"), folderIds: [id(ctx, "folder Photos")], fileIds: [],
  }));
  await t.step("move notes.txt into Holidays", admin.post("/upload/actions/bulk-move", {
    destinationFolderId: id(ctx, "folder Holidays"), folderIds: [], fileIds: [id(ctx, "file notes.txt")],
  }));

  const folders = await t.step("folders after the move", admin.get("/upload/folders?sort=name:asc&populate[parent][fields][0]=name&populate[children][count]=true&populate[files][count]=true"));
  await t.step("the folder tree", admin.get("/upload/folder-structure"));
  const files = await t.step("files in Holidays", admin.get(`/upload/files?sort=name:asc&filters[$and][0][folder][id]=${id(ctx, "folder Holidays")}`));
  await t.step("one folder", admin.get(`/upload/folders/${id(ctx, "folder Holidays")}`));

  // The paths are made of ids and normalised in the transcript; here the ids are checked to
  // chain up: Archive/Photos/Holidays, and both files under Holidays.
  const byName = new Map<string, { path: string; pathId: number }>((folders.body?.data ?? []).map((f: any) => [f.name, f]));
  const [archive, photos, holidays] = ["Archive", "Photos", "Holidays"].map((name) => byName.get(name));
  const fileList = files.body?.results ?? [];
  t.note("paths chain after the move", {
    photos: photos?.path === `${archive?.path}/${photos?.pathId}`,
    holidays: holidays?.path === `${archive?.path}/${photos?.pathId}/${holidays?.pathId}`,
    files: fileList.length === 2 && fileList.every((file: any) => file.folderPath === holidays?.path),
  });
}

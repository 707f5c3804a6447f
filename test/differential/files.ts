// Files to upload, made in memory: a real PNG that sharp can read (the upload plugin reads
// its size), and a plain-text file.
import { solidPng } from "../helpers/png";

/** A width × height RGB PNG, one colour. */
export function png(width: number, height: number, rgb: [number, number, number] = [200, 30, 60]): Buffer {
  return solidPng(width, height, rgb);
}

/** The multipart form Strapi's upload endpoints take: `files` plus a JSON `fileInfo`. */
export function uploadForm(file: { name: string; type: string; content: Buffer }, fileInfo: Record<string, unknown>): FormData {
  const form = new FormData();
  form.append("files", new Blob([file.content], { type: file.type }), file.name);
  form.append("fileInfo", JSON.stringify(fileInfo));
  return form;
}

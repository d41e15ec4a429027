import { randomBytes } from "node:crypto";
import { rm, writeFile, rename } from "node:fs/promises";
import path from "node:path";

/**
 * Writes `text` to `file` so that a reader sees the old file or the new one, never half of one: into a
 * temporary file beside it, then renamed over it (a rename within a folder is atomic).
 *
 * @example
 * await writeFileAtomic({ file: "out/report.html", text: html });
 */
export async function writeFileAtomic({ file, text }: { file: string; text: string }): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

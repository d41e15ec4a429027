import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ReplayResult } from "../replay/types.js";
import { renderReplayHtml, renderReplayMarkdown } from "./renderReplayReport.js";
import { writeFileAtomic } from "./writeFileAtomic.js";

/**
 * Writes `moa eval replay`'s outputs into `dir` (created when missing): `replay.json` (the results as
 * computed), `report.md` and `report.html`, each replaced atomically. Returns the files' paths.
 *
 * @example
 * const { html } = await writeReplayReport({ dir: "runs/replay", results });
 */
export async function writeReplayReport({
  dir,
  results,
}: {
  dir: string;
  results: readonly ReplayResult[];
}): Promise<{ json: string; markdown: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const files = { json: path.join(dir, "replay.json"), markdown: path.join(dir, "report.md"), html: path.join(dir, "report.html") };
  await writeFileAtomic({ file: files.json, text: `${JSON.stringify(results, null, 2)}\n` });
  await writeFileAtomic({ file: files.markdown, text: renderReplayMarkdown({ results }) });
  await writeFileAtomic({ file: files.html, text: renderReplayHtml({ results }) });
  return files;
}

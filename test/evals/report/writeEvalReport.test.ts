import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeEvalReport } from "../../../evals/report/writeEvalReport.js";
import { makeItemResult, makeSummary } from "./markupHelpers.js";

describe("writeEvalReport", () => {
  const write = async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "moa-eval-report-")), "nested", "out");
    await writeEvalReport({ dir, summary: makeSummary(), results: [makeItemResult("1"), makeItemResult("2")] });
    return dir;
  };

  it("creates the folder and writes the four files, and nothing else", async () => {
    expect(readdirSync(await write()).sort()).toEqual(["report.html", "report.md", "results.jsonl", "summary.json"]);
  });

  it("writes the summary as JSON that reads back equal", async () => {
    expect(JSON.parse(readFileSync(path.join(await write(), "summary.json"), "utf8"))).toEqual(makeSummary());
  });

  it("writes one item result per line", async () => {
    const lines = readFileSync(path.join(await write(), "results.jsonl"), "utf8")
      .trimEnd()
      .split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { itemId: string }).itemId)).toEqual(["1", "2"]);
  });

  it("replaces existing files", async () => {
    const dir = await write();
    await writeEvalReport({ dir, summary: makeSummary({ topology: "second" }), results: [] });
    expect(readFileSync(path.join(dir, "report.md"), "utf8")).toContain("second");
  });
});

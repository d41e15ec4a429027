import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors/UsageError.js";
import { compareEvals, readEvalSummary } from "../../../evals/report/compareEvals.js";
import type { EvalSummary } from "../../../evals/types.js";
import { makeSummary } from "./markupHelpers.js";

function evalFolder(summary: EvalSummary | string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "moa-eval-compare-"));
  writeFileSync(path.join(dir, "summary.json"), typeof summary === "string" ? summary : JSON.stringify(summary));
  return dir;
}

async function printed(summaries: EvalSummary[], out?: string): Promise<string> {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  await compareEvals({ dirs: summaries.map(evalFolder), stdout, ...(out ? { out } : {}) });
  return text;
}

describe("readEvalSummary", () => {
  it("reads the summary of an eval folder", async () => {
    expect(await readEvalSummary({ dir: evalFolder(makeSummary()) })).toEqual(makeSummary());
  });

  it("names the folder when it has no summary.json", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-eval-empty-"));
    await expect(readEvalSummary({ dir })).rejects.toThrow(
      new RegExp(`${dir.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}.*--out folder of moa eval`),
    );
  });

  it("throws a UsageError when the file is not JSON", async () => {
    await expect(readEvalSummary({ dir: evalFolder("{ nope") })).rejects.toMatchObject({
      name: "UsageError",
      code: "eval_summary_invalid",
    });
  });

  it("throws a UsageError when the JSON is not a summary", async () => {
    await expect(readEvalSummary({ dir: evalFolder(JSON.stringify({ bench: "gsm8k" })) })).rejects.toBeInstanceOf(UsageError);
  });
});

describe("compareEvals", () => {
  it("refuses fewer than two folders", async () => {
    await expect(compareEvals({ dirs: [evalFolder(makeSummary())], stdout: new PassThrough() })).rejects.toMatchObject({
      code: "compare_needs_two",
    });
  });

  it("prints a row per eval under one header", async () => {
    const text = await printed([makeSummary(), makeSummary({ topology: "single" })]);
    const lines = text.trimEnd().split("\n");
    expect([lines[0]!.startsWith("bench"), lines.length, lines[2]!.includes("single")]).toEqual([true, 3, true]);
  });

  it("groups rows by benchmark", async () => {
    const text = await printed([makeSummary(), makeSummary({ bench: "mmlu", topology: "b" }), makeSummary({ topology: "c" })]);
    expect(
      text
        .split("\n")
        .slice(1, 4)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(["gsm8k", "gsm8k", "mmlu"]);
  });

  it("notes when evals of one benchmark cover different numbers of items", async () => {
    const text = await printed([makeSummary({ items: 80 }), makeSummary({ topology: "single", items: 20 })]);
    expect(text).toMatch(/note: the gsm8k evals cover different numbers of items \(80, 20\)/);
  });

  it("adds no note when the item counts match", async () => {
    const text = await printed([makeSummary(), makeSummary({ topology: "single" })]);
    expect(text).not.toMatch(/note:/);
  });

  it("keeps terminal control sequences out of the table", async () => {
    const text = await printed([makeSummary({ topology: "evil\u001b]0;pwned\u0007\u001b[31mred" }), makeSummary()]);
    expect(text).not.toContain("\u001b");
  });

  it("fits a 100-column terminal", async () => {
    const text = await printed([makeSummary({ topology: "x".repeat(150) }), makeSummary()]);
    expect(Math.max(...text.split("\n").map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it("writes the combined report when given an out folder", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "moa-eval-compare-out-")), "combined");
    mkdirSync(path.dirname(out), { recursive: true });
    await printed([makeSummary(), makeSummary({ topology: "single" })], out);
    expect(readdirSync(out).sort()).toEqual(["report.html", "report.md"]);
  });
});

import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderReplayHtml, renderReplayMarkdown } from "../../../evals/report/renderReplayReport.js";
import { writeReplayReport } from "../../../evals/report/writeReplayReport.js";
import { assertWellFormed, countElements, makeReplayResult } from "./markupHelpers.js";

const results = [makeReplayResult(), makeReplayResult({ benchmark: "mmlu", gate: undefined, calibratedGate: undefined })];

describe("renderReplayMarkdown", () => {
  it("has a router row with APGR and strong shares", () => {
    expect(renderReplayMarkdown({ results })).toContain("| random | 0.500 | 0.700 | 20.0% | 50.0% | 80.0% |");
  });

  it("shows a share never reached as a dash", () => {
    expect(renderReplayMarkdown({ results })).toContain("| length | 0.600 | 0.720 | 15.0% | 40.0% | - |");
  });

  it("has gate sections only for benchmarks with a gate", () => {
    expect(renderReplayMarkdown({ results }).match(/^### (Gate|Calibrated gate)$/gm)).toEqual(["### Gate", "### Calibrated gate"]);
  });
});

describe("renderReplayHtml", () => {
  it("is well-formed", () => {
    expect(() => assertWellFormed(renderReplayHtml({ results }), { html: true })).not.toThrow();
  });

  it("draws every router's curve per benchmark, and the gate's", () => {
    // Two routers on each of two benchmarks, plus the GSM8K gate.
    expect(countElements(renderReplayHtml({ results }), "path", "series")).toBe(5);
  });

  it("draws the always-weak and always-strong lines, and always-aggregate on the gate chart", () => {
    expect(countElements(renderReplayHtml({ results }), "line", "reference")).toBe(2 + 2 + 1);
  });

  it("escapes a script in a model or router name", () => {
    const html = renderReplayHtml({
      results: [
        makeReplayResult({
          strong: { model: "<script>x</script>", accuracy: 0.8 },
          routers: [{ ...makeReplayResult().routers[0]!, router: "<script>" }],
        }),
      ],
    });
    expect(html).not.toContain("<script");
  });

  it("holds no URL but the SVG namespace", () => {
    const urls = renderReplayHtml({ results }).match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });
});

describe("writeReplayReport", () => {
  it("writes replay.json, report.md and report.html", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "moa-replay-report-")), "out");
    await writeReplayReport({ dir, results });
    expect(readdirSync(dir).sort()).toEqual(["replay.json", "report.html", "report.md"]);
  });

  it("writes the results as JSON", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "moa-replay-report-")), "out");
    await writeReplayReport({ dir, results });
    expect((JSON.parse(readFileSync(path.join(dir, "replay.json"), "utf8")) as unknown[]).length).toBe(2);
  });
});

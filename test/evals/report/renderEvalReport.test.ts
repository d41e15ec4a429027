import { describe, expect, it } from "vitest";
import { renderEvalHtml, renderEvalMarkdown, topologyLabels } from "../../../evals/report/renderEvalReport.js";
import { assertWellFormed, countElements, makeSummary } from "./markupHelpers.js";

const hostile = makeSummary({ topology: '<script>alert("x")</script>', judge: "<img src=x onerror=alert(1)>" });
const comparison = [
  makeSummary(),
  makeSummary({
    topology: "single",
    quality: { metric: "accuracy", value: 70, scored: 100 },
    cost: { ...makeSummary().cost, callsPerItem: 1 },
  }),
  makeSummary({
    bench: "mt-bench",
    topology: "moa",
    quality: { metric: "mt-bench", value: 8.1, scored: 80 },
    perCategory: { writing: { items: 10, value: 8.5 } },
  }),
];

describe("renderEvalMarkdown", () => {
  it("has a headline row per summary", () => {
    const lines = renderEvalMarkdown({ summaries: comparison }).split("\n");
    const header = lines.findIndex((line) => line.startsWith("| topology |"));
    expect(lines.slice(header + 2, header + 5).every((line) => line.startsWith("| "))).toBe(true);
    expect(lines[header + 5]).toBe("");
  });

  it("shows the metric with its interval", () => {
    const markdown = renderEvalMarkdown({
      summaries: [makeSummary({ quality: { metric: "bt-score", value: 61.23, interval: [58.1, 64.9], scored: 500 } })],
    });
    expect(markdown).toContain("61.2% \\[58.1, 64.9\\]");
  });

  it("escapes a script in a topology name", () => {
    const markdown = renderEvalMarkdown({ summaries: [hostile] });
    expect(markdown).not.toMatch(/<script|<img/);
  });

  it("escapes pipes so a name cannot add a column", () => {
    const markdown = renderEvalMarkdown({ summaries: [makeSummary({ topology: "a|b" })] });
    expect(markdown).toContain("a\\|b");
  });

  it("has a per-category table for each benchmark", () => {
    const markdown = renderEvalMarkdown({ summaries: comparison });
    expect(markdown.match(/^## .*quality per category$/gm)).toHaveLength(2);
  });
});

describe("renderEvalHtml", () => {
  it("is well-formed", () => {
    expect(() => assertWellFormed(renderEvalHtml({ summaries: comparison }), { html: true })).not.toThrow();
  });

  it("escapes a script in a topology name", () => {
    const html = renderEvalHtml({ summaries: [hostile] });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain("&lt;script&gt;");
  });

  it("links to nothing outside itself", () => {
    const urls = renderEvalHtml({ summaries: comparison }).match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });

  it("forbids scripts in its Content Security Policy", () => {
    expect(renderEvalHtml({ summaries: comparison })).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`);
  });

  it("follows a dark colour scheme and fits a phone", () => {
    const html = renderEvalHtml({ summaries: comparison });
    expect(html).toContain("prefers-color-scheme: dark");
    expect(html).toContain('name="viewport"');
  });

  it("plots one point per topology in each benchmark's quality charts", () => {
    const html = renderEvalHtml({ summaries: comparison });
    // gsm8k: two topologies on three charts; mt-bench: one on three.
    expect(countElements(html, "circle", "point")).toBe(2 * 3 + 1 * 3);
  });

  it("still plots a single eval", () => {
    expect(countElements(renderEvalHtml({ summaries: [makeSummary()] }), "circle", "point")).toBe(3);
  });

  it("draws per-category bars for every topology and category", () => {
    const html = renderEvalHtml({ summaries: [makeSummary(), makeSummary({ topology: "single" })] });
    expect(countElements(html, "rect", "bar")).toBe(4);
  });

  it("adds gate and router charts only when a topology has them", () => {
    const plain = renderEvalHtml({ summaries: [makeSummary()] });
    const gated = renderEvalHtml({ summaries: [makeSummary({ gateSkipRate: 0.4, routeShares: { math: 0.7, code: 0.3 } })] });
    expect([
      plain.includes("gate skip rate</title>"),
      gated.includes("gsm8k: gate skip rate</title>"),
      gated.includes("gsm8k: router choices</title>"),
    ]).toEqual([false, true, true]);
  });
});

describe("topologyLabels", () => {
  it("numbers repeated topology names", () => {
    expect(topologyLabels({ summaries: [makeSummary(), makeSummary(), makeSummary({ topology: "x" })] })).toEqual(["moa", "moa #2", "x"]);
  });
});

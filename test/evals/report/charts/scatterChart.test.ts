import { describe, expect, it } from "vitest";
import { scatterChart } from "../../../../evals/report/charts/scatterChart.js";
import { assertWellFormed, countElements } from "../markupHelpers.js";

const points = [
  { label: "moa", x: 4, y: 81.2 },
  { label: "single", x: 1, y: 70.4 },
  { label: "mosaic", x: 2.5, y: 79 },
];

describe("scatterChart", () => {
  it("is well-formed XML", () => {
    expect(() => assertWellFormed(scatterChart({ title: "Quality", xLabel: "calls", yLabel: "accuracy", points }))).not.toThrow();
  });

  it("draws one point per input point", () => {
    expect(countElements(scatterChart({ title: "Quality", xLabel: "calls", yLabel: "accuracy", points }), "circle", "point")).toBe(3);
  });

  it("leaves off points with a non-finite coordinate", () => {
    const svg = scatterChart({
      title: "Quality",
      xLabel: "calls",
      yLabel: "accuracy",
      points: [...points, { label: "broken", x: Number.NaN, y: 1 }],
    });
    expect(countElements(svg, "circle", "point")).toBe(3);
  });

  it("is an accessible image scaling to its container", () => {
    const svg = scatterChart({ title: "Quality", xLabel: "calls", yLabel: "accuracy", points });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+" width="100%" role="img"/);
    expect(svg).toContain("<title>Quality</title>");
  });

  it("escapes a script in a point's label", () => {
    const svg = scatterChart({ title: "Q", xLabel: "x", yLabel: "y", points: [{ label: "<script>alert(1)</script>", x: 1, y: 2 }] });
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;");
  });

  it("shows a legend when points belong to several series", () => {
    const svg = scatterChart({
      title: "Q",
      xLabel: "x",
      yLabel: "y",
      points: points.map((point, i) => ({ ...point, series: i === 0 ? "gsm8k" : "mmlu" })),
    });
    expect(countElements(svg, "g", "legend")).toBe(1);
  });

  it("shows no legend for a single series", () => {
    expect(countElements(scatterChart({ title: "Q", xLabel: "x", yLabel: "y", points }), "g", "legend")).toBe(0);
  });

  it("says there is no data when no point is finite", () => {
    expect(scatterChart({ title: "Q", xLabel: "x", yLabel: "y", points: [] })).toContain("no data");
  });
});

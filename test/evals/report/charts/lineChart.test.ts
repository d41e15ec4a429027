import { describe, expect, it } from "vitest";
import { lineChart } from "../../../../evals/report/charts/lineChart.js";
import { assertWellFormed, countElements } from "../markupHelpers.js";

const series = [
  {
    name: "random",
    points: [
      { x: 0, y: 60 },
      { x: 50, y: 70 },
      { x: 100, y: 80 },
    ],
  },
  {
    name: "length",
    points: [
      { x: 0, y: 60 },
      { x: 40, y: 74 },
      { x: 100, y: 80 },
    ],
  },
];
const references = [
  { label: "always weak", y: 60 },
  { label: "always strong", y: 80 },
];

describe("lineChart", () => {
  it("is well-formed XML", () => {
    expect(() =>
      assertWellFormed(lineChart({ title: "Routers", xLabel: "strong (%)", yLabel: "accuracy (%)", series, references })),
    ).not.toThrow();
  });

  it("draws one path per series", () => {
    expect(countElements(lineChart({ title: "Routers", xLabel: "x", yLabel: "y", series }), "path", "series")).toBe(2);
  });

  it("draws one dashed line per reference", () => {
    expect(countElements(lineChart({ title: "Routers", xLabel: "x", yLabel: "y", series, references }), "line", "reference")).toBe(2);
  });

  it("joins a series' points in order of x", () => {
    const svg = lineChart({
      title: "T",
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          name: "s",
          points: [
            { x: 2, y: 1 },
            { x: 0, y: 0 },
            { x: 1, y: 3 },
          ],
        },
      ],
    });
    const xs = [.../d="([^"]+)"/.exec(svg)![1]!.matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it("escapes a script in a series' name and a reference's label", () => {
    const svg = lineChart({
      title: "T",
      xLabel: "x",
      yLabel: "y",
      series: [{ name: "<script>a</script>", points: series[0]!.points }],
      references: [{ label: "<script>", y: 70 }],
    });
    expect(svg).not.toContain("<script");
  });

  it("shows a legend for several series", () => {
    expect(countElements(lineChart({ title: "T", xLabel: "x", yLabel: "y", series }), "g", "legend")).toBe(1);
  });

  it("says there is no data when no series has a point", () => {
    expect(lineChart({ title: "T", xLabel: "x", yLabel: "y", series: [{ name: "s", points: [] }] })).toContain("no data");
  });
});

import { describe, expect, it } from "vitest";
import { barChart } from "../../../../evals/report/charts/barChart.js";
import { assertWellFormed, countElements } from "../markupHelpers.js";

const groups = ["math", "coding", "writing"];
const series = [
  { name: "moa", values: [7.1, 6.4, 8.2] },
  { name: "single", values: [6.0, undefined, 7.9] },
];

describe("barChart", () => {
  it("is well-formed XML", () => {
    expect(() => assertWellFormed(barChart({ title: "Per category", valueLabel: "rating", groups, series }))).not.toThrow();
  });

  it("draws one bar per group and series with a value", () => {
    expect(countElements(barChart({ title: "Per category", valueLabel: "rating", groups, series }), "rect", "bar")).toBe(5);
  });

  it("labels every group", () => {
    expect(countElements(barChart({ title: "Per category", valueLabel: "rating", groups, series }), "g", "bar-group")).toBe(3);
  });

  it("shows a legend for several series", () => {
    expect(countElements(barChart({ title: "Per category", valueLabel: "rating", groups, series }), "g", "legend")).toBe(1);
  });

  it("starts bars at zero for negative values too", () => {
    const svg = barChart({ title: "Delta", valueLabel: "change", groups: ["a", "b"], series: [{ name: "x", values: [-2, 3] }] });
    const widths = [...svg.matchAll(/class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    // The negative bar ends where the positive one starts: at zero.
    expect(widths[0]![0]! + widths[0]![1]!).toBeCloseTo(widths[1]![0]!, 1);
  });

  it("escapes a script in a group's name", () => {
    const svg = barChart({ title: "T", valueLabel: "v", groups: ["<script>x</script>"], series: [{ name: "s", values: [1] }] });
    expect(svg).not.toContain("<script");
  });

  it("grows taller with more groups", () => {
    const height = (count: number) =>
      Number(
        /viewBox="0 0 \d+ (\d+)"/.exec(
          barChart({
            title: "T",
            valueLabel: "v",
            groups: Array.from({ length: count }, (_, i) => `g${i}`),
            series: [{ name: "s", values: Array(count).fill(1) }],
          }),
        )![1],
      );
    expect(height(20)).toBeGreaterThan(height(2));
  });

  it("says there is no data when every value is missing", () => {
    expect(barChart({ title: "T", valueLabel: "v", groups: ["a"], series: [{ name: "s", values: [undefined] }] })).toContain("no data");
  });
});

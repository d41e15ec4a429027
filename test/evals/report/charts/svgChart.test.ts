import { describe, expect, it } from "vitest";
import { emptyChart, escapeXml, formatTick, legend, linearScale, niceTicks } from "../../../../evals/report/charts/svgChart.js";
import { assertWellFormed } from "../markupHelpers.js";

describe("niceTicks", () => {
  it("covers the data with round steps", () => {
    expect(niceTicks({ min: 0.13, max: 0.87, count: 4 })).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it("uses steps of 1, 2 or 5 times a power of ten", () => {
    expect(niceTicks({ min: 0, max: 730, count: 4 })).toEqual([0, 200, 400, 600, 800]);
  });

  it("prints no floating-point noise", () => {
    expect(niceTicks({ min: 0.1, max: 0.35 }).every((tick) => String(tick).length <= 4)).toBe(true);
  });

  it("gives a single value a span around it", () => {
    const ticks = niceTicks({ min: 50, max: 50 });
    expect(ticks[0]).toBeLessThan(50);
    expect(ticks.at(-1)).toBeGreaterThan(50);
  });
});

describe("linearScale", () => {
  it("maps the domain onto the range, reversed ranges included", () => {
    const y = linearScale({ domain: [0, 10], range: [300, 100] });
    expect(y(5)).toBe(200);
  });
});

describe("formatTick", () => {
  it("shortens millions and billions", () => {
    expect([formatTick({ value: 2_500_000 }), formatTick({ value: 7e9 })]).toEqual(["2.5M", "7G"]);
  });
});

describe("escapeXml", () => {
  it("escapes markup characters and quotes", () => {
    expect(escapeXml({ text: `<a href="x">'&'</a>` })).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("drops control characters XML cannot hold", () => {
    expect(escapeXml({ text: "a\u0000b\u001bc" })).toBe("abc");
  });
});

describe("legend", () => {
  it("draws nothing for a single series", () => {
    expect(legend({ entries: [{ label: "moa", color: "#000" }], x: 0, y: 0, maxWidth: 500 })).toEqual({ svg: "", height: 0 });
  });

  it("wraps onto a second row when the entries do not fit", () => {
    const entries = Array.from({ length: 8 }, (_, i) => ({ label: `topology-number-${i}`, color: "#000" }));
    expect(legend({ entries, x: 0, y: 0, maxWidth: 500 }).height).toBeGreaterThan(16);
  });
});

describe("emptyChart", () => {
  it("is a well-formed SVG saying there is no data", () => {
    const svg = emptyChart({ title: "Nothing" });
    assertWellFormed(svg);
    expect(svg).toContain("no data");
  });
});

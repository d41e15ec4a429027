import { describe, expect, it } from "vitest";
import { formatQuality } from "../../../evals/report/formatEvalValues.js";

describe("formatQuality", () => {
  it("shows a percentage with its interval", () => {
    expect(formatQuality({ quality: { metric: "bt-score", value: 61.234, interval: [58.1, 64.9], scored: 500 } })).toBe(
      "61.2% [58.1, 64.9]",
    );
  });

  it("says how many judgements were unparsable", () => {
    expect(formatQuality({ quality: { metric: "mt-bench", value: 6.5, scored: 5, unparsable: 3 } })).toBe("6.50 (3 unparsable)");
  });

  it("shows n/a when nothing could be scored, rather than a zero", () => {
    expect(formatQuality({ quality: { metric: "mt-bench", value: 0, scored: 0, unparsable: 10 } })).toBe("n/a (10 unparsable)");
  });
});

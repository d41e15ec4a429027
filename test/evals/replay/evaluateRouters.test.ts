import { describe, expect, it } from "vitest";
import { evaluateRouters } from "../../../evals/replay/evaluateRouters.js";

// RouteLLM's recorded results in ../shared: GPT-4-1106 answered 1130 of 1319 GSM8K items, Mixtral 842.
describe("evaluateRouters on RouteLLM's recorded GSM8K results", () => {
  it("reads every item and both models' accuracies", async () => {
    const result = await evaluateRouters({ benchmark: "gsm8k" });
    expect(result.items).toBe(1319);
    expect(result.strong.accuracy).toBeCloseTo(1130 / 1319, 10);
    expect(result.weak.accuracy).toBeCloseTo(842 / 1319, 10);
  });

  it("gives the random router an APGR near one half, its curve ending at the strong model's accuracy", async () => {
    const { routers, strong } = await evaluateRouters({ benchmark: "gsm8k" });
    const random = routers.find((router) => router.router === "random")!;
    expect(random.apgr).toBeGreaterThan(0.4);
    expect(random.apgr).toBeLessThan(0.6);
    expect(random.points.at(-1)).toEqual({ strongShare: 1, quality: strong.accuracy });
  });
});

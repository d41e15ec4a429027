import { describe, expect, it } from "vitest";
import { sampleRealisation } from "../../src/scheduling/sampleRealisation.js";
import type { WorkloadInput } from "../../src/scheduling/workloadSchema.js";
import { problemOf } from "./workloadFixture.js";

function draws(service: WorkloadInput["experts"][number]["service"], count = 20_000): number[] {
  const problem = problemOf({
    workers: [{ name: "w" }],
    experts: [{ name: "E", loadSeconds: 0, service }],
    queries: [{ experts: ["E"], count }],
  });
  return sampleRealisation({ problem, seed: 3 }).expertSeconds.map((row) => row[0]!);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

describe("sampleRealisation", () => {
  it("draws exponential times with the given mean", () => {
    expect(mean(draws({ meanSeconds: 4, distribution: "exponential" }))).toBeCloseTo(4, 1);
  });

  it("draws lognormal times with the given mean and coefficient of variation", () => {
    const xs = draws({ meanSeconds: 10, distribution: "lognormal", cv: 0.5 });
    expect([Math.round(mean(xs)), Math.round(sd(xs))]).toEqual([10, 5]);
  });

  it("draws token counts around their mean and charges prefill plus time per token", () => {
    const xs = draws({ prefillSeconds: 1, secondsPerOutputToken: 0.01, outputTokens: { mean: 300, sd: 50 } });
    expect([Math.round(mean(xs) * 10) / 10, Math.round(sd(xs) * 10) / 10]).toEqual([4, 0.5]);
  });

  it("skips aggregators at the given rate", () => {
    const problem = problemOf({
      workers: [{ name: "w" }],
      experts: [{ name: "E", loadSeconds: 0, service: { meanSeconds: 1 } }],
      aggregator: { expert: "E", skipProbability: 0.3 },
      queries: [{ experts: ["E"], count: 10_000 }],
    });
    const { skipped, aggregatorSeconds } = sampleRealisation({ problem, seed: 5 });
    expect(Math.round((skipped.filter(Boolean).length / 10_000) * 100)).toBe(30);
    expect(aggregatorSeconds.every((s, q) => (skipped[q] ? s === 0 : s === 1))).toBe(true);
  });
});

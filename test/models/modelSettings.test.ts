import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { resolveMoA } from "../helpers/resolveMoA.js";

const agents = ["ollama:a:1b", "ollama:b:1b"];
const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return expect.unreachable("expected a ConfigError");
};

describe("failure policy settings", () => {
  it("retries once after 500 ms unless configured", () => {
    const { settings } = resolveMoA({ layers: [{ agents }], aggregator: "ollama:c:3b" }).layers[0]![0]!;
    expect([settings.retries, settings.retryBackoffMs]).toEqual([1, 500]);
  });

  it("takes retryBackoffMs from an agent over its layer and the global defaults", () => {
    const topology = resolveMoA({
      defaults: { retryBackoffMs: 100 },
      layers: [{ agents: ["ollama:a:1b", { model: "ollama:b:1b", retryBackoffMs: 300 }], defaults: { retryBackoffMs: 200 } }],
      aggregator: "ollama:c:3b",
    });
    expect(topology.layers[0]!.map((a) => a.settings.retryBackoffMs)).toEqual([200, 300]);
    expect(topology.aggregator.settings.retryBackoffMs).toBe(100);
  });

  it("gives each aggregating agent the minSuccessful of the layer it reads", () => {
    const topology = resolveMoA({ layers: [{ agents, minSuccessful: 2 }, { agents }], aggregator: "ollama:c:3b" });
    expect(topology.minSuccessful).toEqual([2, 1]);
    expect(topology.layers[1]!.map((a) => a.previousLayerMinSuccessful)).toEqual([2, 2]);
    expect(topology.aggregator.previousLayerMinSuccessful).toBe(1);
  });

  it("falls back to the best proposer unless the aggregator says fail", () => {
    expect(resolveMoA({ layers: [{ agents }], aggregator: "ollama:c:3b" }).aggregator.onFailure).toBe("best-proposer");
    expect(resolveMoA({ layers: [{ agents }], aggregator: { model: "ollama:c:3b", onFailure: "fail" } }).aggregator.onFailure).toBe("fail");
  });

  it("refuses a minSuccessful larger than the layer", () => {
    expect(issuesOf(() => resolveMoA({ layers: [{ agents, minSuccessful: 3 }], aggregator: "ollama:c:3b" }))).toEqual([
      { path: "layers[0].minSuccessful", message: "expected at most 2 (the number of agents in this layer), got 3" },
    ]);
  });

  it("refuses a quorum smaller than minSuccessful, which would cancel needed answers", () => {
    const issues = issuesOf(() => resolveMoA({ layers: [{ agents, minSuccessful: 2, quorum: { min: 1 } }], aggregator: "ollama:c:3b" }));
    expect(issues.map((i) => i.path)).toEqual(["layers[0].quorum.min"]);
  });

  it("refuses an unknown aggregator failure policy", () => {
    const issues = issuesOf(() => resolveMoA({ layers: [{ agents }], aggregator: { model: "ollama:c:3b", onFailure: "retry" as "fail" } }));
    expect(issues.map((i) => i.path)).toEqual(["aggregator.onFailure"]);
  });
});

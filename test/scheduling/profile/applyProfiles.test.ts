import { describe, expect, it } from "vitest";
import { applyProfiles } from "../../../src/scheduling/profile/applyProfiles.js";
import type { ProfileReport } from "../../../src/scheduling/profile/profileWorkload.js";

const service = { prefillSeconds: 0.25, secondsPerOutputToken: 0.02, outputTokens: { mean: 100, sd: 5 } };
const report: ProfileReport = {
  worker: "gpu",
  endpoint: { kind: "ollama", baseUrl: "http://127.0.0.1:11434" },
  prompts: { count: 1, from: "workload" },
  runs: 1,
  maxTokens: 32,
  experts: [{ name: "coder", model: "qwen-coder", loadSeconds: 3, service }],
  measurements: [],
};

function workload(loadSeconds: unknown, workers = [{ name: "cpu" }, { name: "gpu" }]) {
  return {
    workers,
    experts: [
      { name: "coder", model: "qwen-coder", loadSeconds, service: { meanSeconds: 2 }, memoryGb: 4 },
      { name: "other", loadSeconds: 1, service: { meanSeconds: 2 } },
    ],
    queries: [{ experts: ["coder", "other"] }],
  };
}

describe("applyProfiles", () => {
  it("replaces the measured expert's service and keeps its other fields", () => {
    const updated = applyProfiles({ workload: workload(5), report }) as ReturnType<typeof workload>;
    expect(updated.experts[0]).toMatchObject({ name: "coder", model: "qwen-coder", service, memoryGb: 4 });
  });

  it("sets only the measured worker's entry of a per-worker map", () => {
    const updated = applyProfiles({ workload: workload({ cpu: 20, gpu: 5 }), report }) as ReturnType<typeof workload>;
    expect(updated.experts[0]!.loadSeconds).toEqual({ cpu: 20, gpu: 3 });
  });

  it("turns a single number into a map when other workers keep the old number", () => {
    const updated = applyProfiles({ workload: workload(5), report }) as ReturnType<typeof workload>;
    expect(updated.experts[0]!.loadSeconds).toEqual({ cpu: 5, gpu: 3 });
  });

  it("keeps a single number when the workload has one worker", () => {
    const updated = applyProfiles({ workload: workload(5, [{ name: "gpu" }]), report }) as ReturnType<typeof workload>;
    expect(updated.experts[0]!.loadSeconds).toBe(3);
  });

  it("leaves experts it did not measure and the input document as they were", () => {
    const input = workload(5);
    const updated = applyProfiles({ workload: input, report }) as ReturnType<typeof workload>;
    expect([updated.experts[1], input.experts[0]!.loadSeconds]).toEqual([input.experts[1], 5]);
  });
});

import { describe, expect, it } from "vitest";
import { pickFallbackAnswer } from "../../src/policy/pickFallbackAnswer.js";
import type { AgentAnswer } from "../../src/state/moaState.js";

const answer = (agentIndex: number, content: string): AgentAnswer => ({
  turn: 1,
  layer: 1,
  role: "proposer",
  agent: `p${agentIndex}`,
  agentIndex,
  nodeId: `layer1/p${agentIndex}`,
  model: "m",
  content,
  latencyMs: 1,
  startedAt: "2025-01-01T00:00:00.000Z",
});

describe("pickFallbackAnswer", () => {
  it("picks the answer that agrees most with the others", () => {
    const picked = pickFallbackAnswer([
      answer(0, "The answer is 5"),
      answer(1, "The capital of France is Paris"),
      answer(2, "Paris is the capital of France"),
      answer(3, "Paris, the capital"),
    ]);
    expect(picked?.nodeId).toBe("layer1/p1");
  });

  it("prefers the agent declared first when answers agree equally", () => {
    expect(pickFallbackAnswer([answer(0, "Paris"), answer(1, "Lyon")])?.nodeId).toBe("layer1/p0");
  });

  it("returns the only answer there is", () => {
    expect(pickFallbackAnswer([answer(4, "Paris")])?.nodeId).toBe("layer1/p4");
  });

  it("returns undefined when there is no answer", () => {
    expect(pickFallbackAnswer([])).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { jsonAnswers } from "../../src/cli/jsonAnswers.js";
import type { AgentAnswer } from "../../src/state/moaState.js";

const answer = (fields: Partial<AgentAnswer> & Pick<AgentAnswer, "agent" | "layer" | "agentIndex" | "nodeId">): AgentAnswer => ({
  turn: 1,
  role: "proposer",
  model: "ollama:m",
  latencyMs: 1,
  startedAt: "2026-01-01T00:00:00.000Z",
  ...fields,
});

describe("jsonAnswers", () => {
  it("orders records by layer, then by the agent's place in its layer, not by arrival", () => {
    const arrived = [
      answer({ agent: "c", layer: 1, agentIndex: 2, nodeId: "l1/c" }),
      answer({ agent: "agg", layer: 2, agentIndex: 0, nodeId: "agg", role: "final" }),
      answer({ agent: "a", layer: 1, agentIndex: 0, nodeId: "l1/a" }),
      answer({ agent: "b", layer: 1, agentIndex: 1, nodeId: "l1/b" }),
    ];
    expect(jsonAnswers(arrived).map((a) => a.agent)).toEqual(["a", "b", "c", "agg"]);
  });

  it("puts a stage's inner records right after the stage's own record", () => {
    const arrived = [
      answer({ agent: "inner-agg", layer: 2, agentIndex: 0, nodeId: "expert/x/agg", stage: "expert/x" }),
      answer({ agent: "plain", layer: 1, agentIndex: 1, nodeId: "expert/y" }),
      answer({ agent: "inner-a", layer: 1, agentIndex: 0, nodeId: "expert/x/a", stage: "expert/x" }),
      answer({ agent: "stage", layer: 1, agentIndex: 0, nodeId: "expert/x", composite: true }),
    ];
    expect(jsonAnswers(arrived).map((a) => a.agent)).toEqual(["stage", "inner-a", "inner-agg", "plain"]);
  });

  it("rounds latencies to 0.1 ms", () => {
    const [first] = jsonAnswers([answer({ agent: "a", layer: 1, agentIndex: 0, nodeId: "a", latencyMs: 812.4567 })]);
    expect(first?.latencyMs).toBe(812.5);
  });
});

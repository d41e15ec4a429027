import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { summarizeRun } from "../../src/report/summarizeRun.js";
import type { AgentAnswer } from "../../src/state/moaState.js";

const record = (fields: Partial<AgentAnswer> & Pick<AgentAnswer, "layer" | "agent" | "nodeId">): AgentAnswer => ({
  turn: 1,
  role: "proposer",
  agentIndex: 0,
  model: "ollama:m",
  latencyMs: 10,
  startedAt: new Date(0).toISOString(),
  content: "x",
  ...fields,
});

const messages = [new HumanMessage("q"), new AIMessage("a")];

describe("summarizeRun", () => {
  it("counts a quorum straggler as late, not failed", () => {
    const { totals, rows } = summarizeRun({
      messages,
      answers: [
        record({ layer: 1, agent: "a", nodeId: "layer1/a" }),
        record({ layer: 1, agent: "b", nodeId: "layer1/b", agentIndex: 1, content: undefined, error: "HTTP 500" }),
        record({ layer: 1, agent: "c", nodeId: "layer1/c", agentIndex: 2, content: undefined, error: "late: cancelled", late: true }),
      ],
    });
    expect(totals).toMatchObject({ calls: 3, failed: 1, late: 1 });
    expect(rows.find((r) => r.agent === "c")).toMatchObject({ late: true });
  });

  it("puts a stage's calls right after the stage's own row, marked with the stage", () => {
    const { rows } = summarizeRun({
      messages,
      answers: [
        record({ layer: 2, agent: "aggregator", nodeId: "aggregator", role: "final" }),
        record({ layer: 2, agent: "aggregator", nodeId: "expert/panel/aggregator", role: "final", stage: "expert/panel" }),
        record({ layer: 1, agent: "p", nodeId: "expert/panel/layer1/p", stage: "expert/panel" }),
        record({ layer: 1, agent: "solo", nodeId: "expert/solo", role: "expert", agentIndex: 1 }),
        record({ layer: 1, agent: "panel", nodeId: "expert/panel", role: "expert", composite: true }),
      ],
    });
    expect(rows.map((r) => `${r.stage ?? "-"} ${r.layer} ${r.agent}`)).toEqual([
      "- 1 panel",
      "expert/panel 1 p",
      "expert/panel 2 aggregator",
      "- 1 solo",
      "- 2 aggregator",
    ]);
  });
});

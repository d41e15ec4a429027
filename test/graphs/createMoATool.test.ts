import { describe, expect, it } from "vitest";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { createMoATool } from "../../src/graphs/createMoATool.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

function panel(proposer: ScriptedChatModel) {
  return buildMoAGraph({
    config: { layers: [{ agents: [proposer] }], aggregator: new ScriptedChatModel({ reply: "panel answer" }) },
  }).compile();
}

describe("createMoATool", () => {
  it("returns the panel's answer to the question", async () => {
    const proposer = new ScriptedChatModel({ reply: "p" });
    const tool = createMoATool({ graph: panel(proposer) });
    expect(await tool.invoke({ question: "Is 1009 prime?" })).toBe("panel answer");
    expect(proposer.calls[0]!.messages.at(-1)!.text).toBe("Is 1009 prime?");
  });

  it("rejects an empty question before calling any model", async () => {
    const proposer = new ScriptedChatModel({ reply: "p" });
    const tool = createMoATool({ graph: panel(proposer) });
    await expect(tool.invoke({ question: "  " })).rejects.toThrow();
    expect(proposer.calls).toHaveLength(0);
  });

  it("surfaces the panel's failure with every agent's error", async () => {
    const tool = createMoATool({ graph: panel(new ScriptedChatModel({ fail: "model offline" })) });
    await expect(tool.invoke({ question: "Anything?" })).rejects.toThrow(/layer 1: no agent answered[\s\S]*model offline/);
  });

  it("passes cancellation into the panel", async () => {
    // Ten minutes: only the cancellation can end this call within the test.
    const slow = new ScriptedChatModel({ reply: "late", latencyMs: 600_000 });
    const tool = createMoATool({ graph: panel(slow) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(tool.invoke({ question: "Slow?" }, { signal: controller.signal })).rejects.toThrow();
    expect(slow.calls[0]?.endedAt).toBeDefined();
  });
});

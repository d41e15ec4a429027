import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { LayerFailedError } from "../../src/nodes/layerReferences.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

const ask = { messages: [new HumanMessage("What is 2+2?")] };

describe("minSuccessful before a quorum layer", () => {
  it("stops the run before the next layer calls any model", async () => {
    const next = [new ScriptedChatModel({ reply: "4" }), new ScriptedChatModel({ reply: "four" })];
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [
          {
            agents: [
              { name: "ok", model: new ScriptedChatModel({ reply: "4" }) },
              { name: "bad", model: new ScriptedChatModel({ fail: "boom" }) },
            ],
            minSuccessful: 2,
          },
          { agents: next.map((model, i) => ({ name: `q${i}`, model })), quorum: { min: 1 } },
        ],
        aggregator: new ScriptedChatModel({ reply: "4" }),
      },
    }).compile();
    const error = await graph.invoke(ask).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LayerFailedError);
    expect((error as Error).message).toContain(
      "only 1 of 2 agents answered, minSuccessful is 2:\n  - bad (ScriptedChatModel (instance)): boom",
    );
    expect(next.map((m) => m.calls.length)).toEqual([0, 0]);
  });
});

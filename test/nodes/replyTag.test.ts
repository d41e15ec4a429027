import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildCoEGraph, buildMoAGraph, buildMosaicGraph } from "../../src/graphs/builders.js";
import { REPLY_TAG } from "../../src/nodes/replyTag.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

const question = { messages: [new HumanMessage("What is 2 + 2?")] };

interface Streamable {
  stream(input: typeof question, options: { streamMode: "messages"; subgraphs: true }): Promise<AsyncIterable<unknown>>;
  invoke(input: typeof question): Promise<{ messages: Array<{ text: string }> }>;
}

/** What a client filtering `messages` on the reply tag receives, and the reply the state ends with. */
async function replyOf(graph: Streamable): Promise<{ streamed: string; final: string | undefined }> {
  let streamed = "";
  for await (const item of await graph.stream(question, { streamMode: "messages", subgraphs: true })) {
    const [, [chunk, metadata]] = item as [string[], [{ text: string }, { tags?: string[] }]];
    if (metadata.tags?.includes(REPLY_TAG)) streamed += chunk.text;
  }
  const state = await graph.invoke(question);
  return { streamed, final: state.messages.at(-1)?.text };
}

const agreeing = () => [
  { name: "e1", model: new ScriptedChatModel({ reply: "The answer is 4" }) },
  { name: "e2", model: new ScriptedChatModel({ reply: "It is 4" }) },
];

describe("the reply streams with the reply tag in every topology", () => {
  it("a MoA's final aggregator", async () => {
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: [{ name: "p", model: new ScriptedChatModel({ reply: "four" }) }] }],
        aggregator: new ScriptedChatModel({ reply: "It is four." }),
      },
    }).compile();
    expect(await replyOf(graph)).toEqual({ streamed: "It is four.", final: "It is four." });
  });

  it("a MOSAIC whose gate skips the aggregator (no model call writes the reply)", async () => {
    const graph = buildMosaicGraph({
      config: {
        experts: agreeing(),
        gate: { extractor: { type: "number" }, threshold: 1 },
        aggregator: new ScriptedChatModel({ reply: "unused" }),
      },
    }).compile();
    expect(await replyOf(graph)).toEqual({ streamed: "The answer is 4", final: "The answer is 4" });
  });

  it("a failed aggregator's stand-in answer", async () => {
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: [{ name: "p", model: new ScriptedChatModel({ reply: "four" }) }] }],
        aggregator: { model: new ScriptedChatModel({ fail: "down" }), retries: 0 },
      },
    }).compile();
    expect(await replyOf(graph)).toEqual({ streamed: "four", final: "four" });
  });

  it("not a MOSAIC stage's pick inside a CoE, whose expert answer is aggregated, only the outer reply", async () => {
    const graph = buildCoEGraph({
      config: {
        categories: ["math"],
        router: { type: "rules", rules: [{ category: "math", keywords: ["2"] }] },
        experts: {
          math: [
            {
              name: "panel",
              stage: {
                topology: "mosaic",
                experts: agreeing(),
                gate: { extractor: { type: "number" }, threshold: 1 },
                aggregator: new ScriptedChatModel({ reply: "x" }),
              },
            },
            { name: "solo", model: new ScriptedChatModel({ reply: "4" }) },
          ],
        },
        fallback: { name: "fb", model: new ScriptedChatModel({ reply: "?" }) },
        aggregator: new ScriptedChatModel({ reply: "Both say 4." }),
      },
    }).compile();
    expect(await replyOf(graph)).toEqual({ streamed: "Both say 4.", final: "Both say 4." });
  });
});

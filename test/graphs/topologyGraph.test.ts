import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildCoEGraph, buildMoAGraph, buildMosaicGraph } from "../../src/graphs/builders.js";
import { buildTopologyGraph } from "../../src/graphs/buildTopologyGraph.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import { newServedGraph } from "../../src/server/servedState.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

const scripted = (reply: string) => new ScriptedChatModel({ reply });
/** The state channels a compiled graph's node reads (its input). */
const inputOf = (graph: { nodes: Record<string, { channels: unknown }> }, node: string) =>
  Object.keys(graph.nodes[node]!.channels as Record<string, string>).sort();

describe("node inputs", () => {
  it("gives MoA agents only the conversation and the answers", () => {
    const graph = buildMoAGraph({
      config: { layers: [{ agents: [{ name: "a", model: scripted("x") }] }], aggregator: scripted("y") },
    }).compile();
    expect(inputOf(graph, "layer1/a")).toEqual(["answers", "messages"]);
    expect(inputOf(graph, "aggregator")).toEqual(["answers", "messages"]);
  });

  it("does the same on the served graphs' zod state", () => {
    const topology = loadConfig({ config: { layers: [{ agents: [{ name: "a", model: scripted("x") }] }], aggregator: scripted("y") } });
    const graph = buildTopologyGraph({ topology, newGraph: newServedGraph }).compile();
    expect(inputOf(graph, "layer1/a")).toEqual(["answers", "messages"]);
  });

  it("gives a routed expert that may answer directly the whole state, since it reads the route", () => {
    const graph = buildCoEGraph({
      config: {
        categories: ["a", "b"],
        router: { type: "rules", rules: [{ category: "a", keywords: ["alpha"] }] },
        experts: {
          a: [
            { name: "a1", model: scripted("1") },
            { name: "a2", model: scripted("2") },
          ],
          b: { name: "b1", model: scripted("3") },
        },
        fallback: { name: "fb", model: scripted("4") },
        aggregator: scripted("agg"),
      },
    }).compile();
    expect(inputOf(graph, "expert/a1")).toEqual(["answers", "gates", "messages", "routes"]);
    expect(inputOf(graph, "router")).toEqual(["answers", "messages"]);
  });

  it("still answers with restricted inputs on every kind", async () => {
    const mosaic = buildMosaicGraph({
      config: {
        experts: [
          { name: "e1", model: scripted("42") },
          { name: "e2", model: scripted("42") },
        ],
        gate: { extractor: { type: "number" }, threshold: 1 },
        aggregator: scripted("agg"),
      },
    }).compile();
    expect(inputOf(mosaic, "gate")).toEqual(["answers", "messages"]);
    const state = await mosaic.invoke({ messages: [new HumanMessage("6 * 7?")] });
    expect(state.messages.at(-1)?.text).toBe("42");
    expect(state.gates).toHaveLength(1);
  });
});

import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../../../src/graphs/builders.js";
import { disposeAll } from "../../../../src/models/providers/llamacpp/runtime/llamaRuntime.js";
import { runCli } from "../../../helpers/runCli.js";

// Random weights: these tests check mechanics (loading, templating, token counts, concurrency), never content.
const TINY = path.resolve(import.meta.dirname, "../../../../../shared/models/llama-2-tiny-random.gguf");
const config = {
  defaults: { maxTokens: 24, temperature: 0.8 },
  layers: [
    {
      agents: [
        { name: "tiny-a", model: `llamacpp:${TINY}`, seed: 1 },
        { name: "tiny-b", model: `llamacpp:${TINY}`, seed: 2 },
      ],
    },
  ],
  aggregator: { model: `llamacpp:${TINY}`, maxTokens: 16 },
};

afterAll(() => disposeAll());

describe("MoA in-process over llama.cpp", () => {
  it("answers with two proposers and an aggregator, all with real token counts", async () => {
    const state = await buildMoAGraph({ config })
      .compile()
      .invoke({ messages: [new HumanMessage("Say something.")] });
    expect(state.messages.at(-1)?.text.length).toBeGreaterThan(0);
    expect(state.answers).toHaveLength(3);
    for (const answer of state.answers) {
      expect(answer.error).toBeUndefined();
      expect(answer.usage!.inputTokens).toBeGreaterThan(0);
      expect(answer.usage!.outputTokens).toBeGreaterThan(0);
      expect(answer.usage!.outputTokens).toBeLessThanOrEqual(24);
    }
    // The aggregator's prompt holds both proposals, so it reads more tokens than either proposer.
    const [a, b, final] = ["tiny-a", "tiny-b", "aggregator"].map((name) => state.answers.find((x) => x.agent === name)!);
    expect(final!.usage!.inputTokens).toBeGreaterThan(Math.max(a!.usage!.inputTokens, b!.usage!.inputTokens));
  }, 120_000);

  it("generates the two proposers' tokens at the same time", async () => {
    // Token arrival times, not call start times: a call queued for a free sequence starts early but
    // generates late, so only overlapping token streams prove the proposers really ran together.
    const graph = buildMoAGraph({ config }).compile();
    const windows = new Map<string, { first: number; last: number }>();
    const stream = await graph.stream({ messages: [new HumanMessage("Another one.")] }, { streamMode: "messages" });
    for await (const [, metadata] of stream) {
      const node = (metadata as { langgraph_node?: string }).langgraph_node ?? "";
      if (!node.startsWith("layer1/")) continue;
      const now = performance.now();
      const window = windows.get(node) ?? { first: now, last: now };
      window.last = now;
      windows.set(node, window);
    }
    const [a, b] = [...windows.values()];
    expect(windows.size).toBe(2);
    expect(Math.max(a!.first, b!.first)).toBeLessThan(Math.min(a!.last, b!.last));
  }, 120_000);

  it("answers from the CLI with a GGUF topology file", async () => {
    const result = await runCli(
      ["run", "Hello there", "--json", "--config", path.resolve(import.meta.dirname, "../../../fixtures/tiny-llamacpp.yaml")],
      { timeoutMs: 120_000 },
    );
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      answer: string;
      totals: { calls: number; failed: number; outputTokens: number };
      cost: { activeParams: number };
    };
    expect(doc.answer.length).toBeGreaterThan(0);
    expect(doc.totals).toMatchObject({ calls: 3, failed: 0 });
    expect(doc.totals.outputTokens).toBeGreaterThan(0);
    // Read from the GGUF metadata: three calls of the same tiny model.
    expect(doc.cost.activeParams).toBeGreaterThan(0);
  }, 150_000);
});

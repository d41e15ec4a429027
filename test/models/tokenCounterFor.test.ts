import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createChatModel } from "../../src/models/createChatModel.js";
import { resolveMoA } from "../helpers/resolveMoA.js";
import { estimateTokens } from "../../src/models/estimateTokens.js";
import { tokenCounterFor } from "../../src/models/tokenCounterFor.js";
import { disposeAll, llamaRuntimeStats } from "../../src/models/providers/llamacpp/runtime/llamaRuntime.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const TINY = path.resolve(repoRoot, "../shared/models/llama-2-tiny-random.gguf");
const text = "hello ".repeat(100);

afterAll(() => disposeAll());

function aggregatorOf(model: string) {
  return resolveMoA({ layers: [{ agents: ["ollama:a"] }], aggregator: { model, contextWindow: 512 } }).aggregator;
}

/** The counter of an agent's model as the graph would create it. */
function counterOf(agent: ReturnType<typeof aggregatorOf>) {
  return tokenCounterFor(agent, createChatModel(agent));
}

describe("tokenCounterFor", () => {
  it("counts with a llama.cpp model's own tokenizer", async () => {
    const counter = counterOf(aggregatorOf(`llamacpp:${TINY}`));
    // Llama's vocabulary has "▁hello": one token per word, where the estimate says 150.
    const count = await counter.count(text);
    expect(counter.kind).toBe("model");
    expect(count).toBeGreaterThanOrEqual(100);
    expect(count).toBeLessThanOrEqual(102);
  }, 60_000);

  it("estimates for models without a local tokenizer", async () => {
    const counter = counterOf(aggregatorOf("ollama:qwen2.5:3b"));
    expect([counter.kind, await counter.count(text)]).toEqual(["estimate", estimateTokens(text)]);
  });

  it("falls back to the estimate when the GGUF file cannot be loaded", async () => {
    const counter = counterOf(aggregatorOf(`llamacpp:${path.join(repoRoot, "no-such-model.gguf")}`));
    expect(await counter.count(text)).toBe(estimateTokens(text));
    expect(counter.kind).toBe("estimate");
  }, 60_000);

  it("counts with the instance that answers, so counting opens no second context", async () => {
    await disposeAll();
    const topology = resolveMoA({
      layers: [{ agents: [`llamacpp:${TINY}`, `llamacpp:${TINY}`] }],
      aggregator: { model: `llamacpp:${TINY}`, maxTokens: 8 },
    });
    const proposer = topology.layers[0]![0]!;
    const model = createChatModel(proposer);
    await tokenCounterFor(proposer, model).count(text);
    await model.invoke("Say hi");
    const stats = llamaRuntimeStats().models.filter((m) => m.modelPath === TINY);
    expect(stats.map((m) => m.contexts)).toEqual([1]);
  }, 60_000);

  it("uses a custom model factory's model rather than the reference's provider", () => {
    const agent = aggregatorOf(`llamacpp:${TINY}`);
    const counter = tokenCounterFor(agent, new ScriptedChatModel());
    expect(counter.kind).toBe("estimate");
  });
});

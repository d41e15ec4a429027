import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureConfig } from "../../src/config/ensureConfig.js";
import { estimateTokens } from "../../src/models/estimateTokens.js";
import { tokenCounterFor } from "../../src/context/tokenCounterFor.js";
import { disposeAll } from "../../src/models/llamacpp/llamaRuntime.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const TINY = path.resolve(repoRoot, "../shared/models/llama-2-tiny-random.gguf");
const text = "hello ".repeat(100);

afterAll(() => disposeAll());

function aggregatorOf(model: string) {
  return ensureConfig({ layers: [{ agents: ["ollama:a"] }], aggregator: { model, contextWindow: 512 } }).aggregator;
}

describe("tokenCounterFor", () => {
  it("counts with a llama.cpp model's own tokenizer", async () => {
    const counter = tokenCounterFor(aggregatorOf(`llamacpp:${TINY}`));
    // Llama's vocabulary has "▁hello": one token per word, where the estimate says 150.
    const count = await counter.count(text);
    expect(counter.kind).toBe("model");
    expect(count).toBeGreaterThanOrEqual(100);
    expect(count).toBeLessThanOrEqual(102);
  }, 60_000);

  it("estimates for models without a local tokenizer", async () => {
    const counter = tokenCounterFor(aggregatorOf("ollama:qwen2.5:3b"));
    expect([counter.kind, await counter.count(text)]).toEqual(["estimate", estimateTokens(text)]);
  });

  it("falls back to the estimate when the GGUF file cannot be loaded", async () => {
    const counter = tokenCounterFor(aggregatorOf(`llamacpp:${path.join(repoRoot, "no-such-model.gguf")}`));
    expect(await counter.count(text)).toBe(estimateTokens(text));
    expect(counter.kind).toBe("estimate");
  }, 60_000);
});

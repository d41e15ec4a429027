import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { loadConfig } from "../../../../src/graphs/loadConfig.js";
import { buildMoAGraph } from "../../../../src/graphs/builders.js";
import { checkBackends } from "../../../../src/models/checkBackends.js";

// Opt-in (npm run test:int): needs a real Ollama at OLLAMA_HOST with the moa-lite models pulled.
describe("moa-lite against a real Ollama", () => {
  it("answers a factual question through every layer", async () => {
    const topology = loadConfig({ preset: process.env.MOA_PRESET ?? "moa-lite" });
    const { problems, runnable } = await checkBackends(topology);
    expect(problems, "start Ollama and pull the preset's models first").toEqual([]);
    expect(runnable).toBe(true);
    const state = await buildMoAGraph({ config: topology })
      .compile()
      .invoke({ messages: [new HumanMessage("What is the capital of France? One word.")] });
    expect(state.answers.every((a) => a.error === undefined)).toBe(true);
    expect(state.messages.at(-1)?.text.toLowerCase()).toContain("paris");
  }, 600_000);
});

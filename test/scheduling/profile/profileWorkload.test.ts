import { describe, expect, it } from "vitest";
import { profileWorkload } from "../../../src/scheduling/profile/profileWorkload.js";
import { SAMPLE_PROMPTS } from "../../../src/prompts/samplePrompts.js";
import { trackedOllamaDoubles } from "../../helpers/trackedOllamaDoubles.js";

const start = trackedOllamaDoubles();
const timings = { loadNs: 3e9, promptEvalNs: 2.5e8, evalNs: 2e9 };

function workload(url: string | undefined, over: Record<string, unknown> = {}) {
  return {
    workers: [{ name: "cpu" }, { name: "gpu", ...(url ? { endpoint: { kind: "ollama", baseUrl: url } } : {}) }],
    experts: [
      { name: "coder", model: "qwen-coder", loadSeconds: 5, service: { meanSeconds: 2 } },
      { name: "llama3", loadSeconds: 5, service: { meanSeconds: 2 } },
    ],
    queries: [
      { prompt: "Why?", experts: ["coder", "llama3"] },
      { prompt: "Why?", experts: ["coder"] },
      { experts: ["coder"], count: 3 },
    ],
    ...over,
  };
}
const base = { runs: 1, maxTokens: 32, timeoutMs: 10_000 };

describe("profileWorkload", () => {
  it("measures every expert on the first worker with an endpoint", async () => {
    const ollama = await start({ models: { "qwen-coder": { timings, evalTokens: 100 }, llama3: { timings, evalTokens: 50 } } });
    const report = await profileWorkload({ workload: workload(ollama.url), ...base });
    expect(report.experts).toEqual([
      {
        name: "coder",
        model: "qwen-coder",
        loadSeconds: 3,
        service: { prefillSeconds: 0.25, secondsPerOutputToken: 0.02, outputTokens: { mean: 100, sd: 0 } },
      },
      {
        name: "llama3",
        model: "llama3",
        loadSeconds: 3,
        service: { prefillSeconds: 0.25, secondsPerOutputToken: 0.04, outputTokens: { mean: 50, sd: 0 } },
      },
    ]);
  });

  it("keeps the measurement details apart from the pasteable experts", async () => {
    const ollama = await start({ models: { "qwen-coder": { timings, evalTokens: 100 }, llama3: { timings, evalTokens: 50 } } });
    const report = await profileWorkload({ workload: workload(ollama.url), ...base, runs: 2 });
    expect(report.measurements[0]).toEqual({ expert: "coder", calls: 2, loadEstimated: false, prefillSd: 0, promptTokensMean: 1 });
  });

  it("uses the distinct prompts of the workload's queries", async () => {
    const ollama = await start({ models: { "qwen-coder": { timings, evalTokens: 100 }, llama3: { timings, evalTokens: 50 } } });
    const report = await profileWorkload({ workload: workload(ollama.url), ...base, experts: ["coder"] });
    expect([report.prompts, ollama.calls.slice(1).map((c) => c.messages[0]?.content)]).toEqual([{ count: 1, from: "workload" }, ["Why?"]]);
  });

  it("falls back to the built-in prompts when no query has one", async () => {
    const ollama = await start({ models: { "qwen-coder": { timings, evalTokens: 100 } } });
    const report = await profileWorkload({
      workload: workload(ollama.url, { queries: [{ experts: ["coder"] }] }),
      ...base,
      experts: ["coder"],
    });
    expect(report.prompts).toEqual({ count: SAMPLE_PROMPTS.length, from: "built-in" });
  });

  it("says when an expert's name is used as its model", async () => {
    const ollama = await start({ models: { "qwen-coder": { timings, evalTokens: 100 }, llama3: { timings, evalTokens: 50 } } });
    const notes: string[] = [];
    await profileWorkload({ workload: workload(ollama.url), ...base, onNote: (n) => notes.push(n) });
    expect(notes).toEqual(['experts[1].model is not set: profiling "llama3", the expert\'s name, as the model']);
  });

  it("names the field when no worker has an endpoint (exit 2)", async () => {
    const error = await profileWorkload({ workload: workload(undefined), source: "w.yaml", ...base }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^invalid configuration in w\.yaml: workers\[0\]\.endpoint: no worker has an endpoint/),
    });
  });

  it("names the field when the chosen worker has no endpoint (exit 2)", async () => {
    const ollama = await start({ models: {} });
    const error = await profileWorkload({ workload: workload(ollama.url), worker: "cpu", ...base }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringMatching(/workers\[0\]\.endpoint: worker "cpu" has no endpoint/) });
  });

  it("lists the workers when --worker names none of them", async () => {
    const error = await profileWorkload({ workload: workload(undefined), worker: "tpu", ...base }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unknown_worker", message: expect.stringMatching(/workers are "cpu", "gpu"/) });
  });

  it("validates the workload first, with field paths", async () => {
    const error = await profileWorkload({ workload: workload(undefined, { experts: [] }), ...base }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_config", message: expect.stringMatching(/experts/) });
  });

  it("refuses a model that generates no tokens", async () => {
    const ollama = await start({ models: { "qwen-coder": { timings, failure: "emptyAnswer" } } });
    const error = await profileWorkload({ workload: workload(ollama.url), ...base, experts: ["coder"] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unexpected_response", message: expect.stringMatching(/generated no output tokens/) });
  });
});

import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTopologyGraph } from "../../../src/graphs/buildTopologyGraph.js";
import { loadConfig } from "../../../src/graphs/loadConfig.js";
import { checkBackends } from "../../../src/models/checkBackends.js";
import { backendChoices, chooseBackend } from "../../../src/models/chooseBackend.js";
import { parseModelRef } from "../../../src/models/parseModelRef.js";
import { prepareModels } from "../../../src/models/prepareModels.js";
import { registerModelProvider } from "../../../src/models/providers/registry.js";
import { ollamaProvider } from "../../../src/models/providers/ollama/ollamaProvider.js";
import { summarizeCost } from "../../../src/report/summarizeCost.js";
import { countWords, createEchoProvider, type EchoLog } from "../../helpers/echoProvider.js";

const WINDOW = 500;
let log: EchoLog;
let unregister: () => void;

beforeAll(() => {
  const echo = createEchoProvider({ words: 150, window: WINDOW });
  log = echo.log;
  unregister = registerModelProvider(echo.provider);
});
afterAll(() => unregister());

const config = { layers: [{ agents: ["echo:a", "echo:b", "echo:down-c"] }], aggregator: { model: "echo:judge", maxTokens: 20 } };

describe("a model provider registered from outside (a test-only backend)", () => {
  it("parses its own references", () => {
    expect(parseModelRef("echo:a@http://127.0.0.1:9")).toEqual({ provider: "echo", model: "a", baseUrl: "http://127.0.0.1:9" });
  });

  it("probes its agents in the pre-flight and reports the unusable ones", async () => {
    const { problems, runnable } = await checkBackends(loadConfig({ config }));
    expect(runnable).toBe(true);
    expect(problems).toEqual([
      {
        backend: "echo",
        target: "echo://local",
        reason: "the echo server is down for these models",
        fix: "use another echo model",
        agents: ["layer1/down-c"],
      },
    ]);
  });

  it("prepares its agents' models before the run", async () => {
    const topology = loadConfig({ config });
    await prepareModels({
      agents: topology.requirements.flat(),
      context: {
        pull: false,
        strict: false,
        env: {},
        notify: () => undefined,
        progress: () => ({ update: () => undefined, done: () => undefined }),
      },
    });
    expect(log.prepared).toEqual(["layer1/a", "layer1/b", "layer1/down-c", "aggregator"]);
  });

  it("runs a topology through it, its window and tokenizer fitting the aggregator's prompt", async () => {
    const state = await buildTopologyGraph({ topology: loadConfig({ config }) })
      .compile()
      .invoke({ messages: [new HumanMessage("Why is the sky blue?")] });
    expect(state.messages.at(-1)?.text).toMatch(/^judge: lorem/);
    const judge = state.answers.find((a) => a.nodeId === "aggregator")!;
    expect(judge.contextCuts).toMatchObject({ tokenizer: "model", windowTokens: WINDOW });
    expect(judge.contextCuts!.references.length).toBeGreaterThan(0);
    // The prompt it received fits the window less the room kept for the answer, counted as the provider counts.
    const [prompt] = log.prompts.get("judge")!;
    expect(prompt!.reduce((n, m) => n + countWords(m.text), 0)).toBeLessThanOrEqual(WINDOW - 20);
    expect(summarizeCost(state).activeParams).toBe(4e9);
  });

  it("runs the built-in presets on its models when chosen as the backend", () => {
    const topology = loadConfig({ preset: "moa-lite", backend: "echo" });
    expect(topology.requirements.flat().every((a) => a.modelLabel.startsWith("echo:"))).toBe(true);
    expect(backendChoices()).toContain("echo");
  });

  it("is chosen with --backend without probing", async () => {
    expect(await chooseBackend({ requested: "echo" })).toEqual({ backend: "echo", reason: "chosen with --backend" });
  });

  it("refuses a second provider with a prefix already taken", () => {
    expect(() => registerModelProvider({ ...ollamaProvider, name: "echo" })).toThrow(
      /the prefix "echo:" already belongs to the provider "echo"/,
    );
  });
});

describe("after it is unregistered", () => {
  it("its references are unknown again", () => {
    const { provider } = createEchoProvider();
    registerModelProvider({ ...provider, name: "echo2" })();
    expect(() => parseModelRef("echo2:a")).toThrow(/unknown model provider "echo2"/);
  });
});

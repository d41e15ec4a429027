import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../../../../src/graphs/builders.js";
import { disposeAll } from "../../../../../src/models/providers/llamacpp/runtime/index.js";
import type { MoAStateValue } from "../../../../../src/state/moaState.js";
import { hfFilePath, startFileServer, type FileServer } from "../../../../doubles/fileServer.js";

const TINY = readFileSync(path.resolve(import.meta.dirname, "../../../../../../shared/models/llama-2-tiny-random.gguf"));
const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, MOA_MODELS_DIR: process.env.MOA_MODELS_DIR };
let hub: FileServer;
const cacheDir = mkdtempSync(path.join(tmpdir(), "moa-hf-graph-"));

beforeAll(async () => {
  hub = await startFileServer({ files: { [hfFilePath({ owner: "test", repo: "tiny-GGUF", file: "tiny.gguf" })]: TINY } });
  process.env.HF_ENDPOINT = hub.url;
  process.env.MOA_MODELS_DIR = cacheDir;
});
afterAll(async () => {
  await disposeAll();
  await hub.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("hf: models in a library graph", () => {
  it("download themselves once on first call, shared by every agent using them", async () => {
    const model = "hf:test/tiny-GGUF/tiny.gguf";
    const graph = buildMoAGraph({
      config: {
        defaults: { maxTokens: 8, retries: 0 },
        layers: [
          {
            agents: [
              { name: "a", model },
              { name: "b", model, seed: 2 },
            ],
          },
        ],
        aggregator: { model },
      },
    }).compile();
    const state = (await graph.invoke({ messages: [new HumanMessage("hello")] })) as MoAStateValue;
    expect(state.answers.map((a) => a.error)).toEqual([undefined, undefined, undefined]);
    expect(existsSync(path.join(cacheDir, "test", "tiny-GGUF", "main", "tiny.gguf"))).toBe(true);
    // Two concurrent proposers, one transfer.
    expect(hub.requests.filter((r) => r.method === "GET")).toHaveLength(1);
  }, 60_000);
});

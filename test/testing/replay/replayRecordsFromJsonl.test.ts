import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayChatModel } from "../../../src/testing/replay/ReplayChatModel.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "replay-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function jsonl(name: string, lines: unknown[] | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof lines === "string" ? lines : lines.map((l) => JSON.stringify(l)).join("\n"));
  return file;
}

describe("ReplayChatModel.fromJsonl", () => {
  it("reads prompt and response fields by default", async () => {
    const file = await jsonl("default.jsonl", [
      { prompt: "Hi", response: "Hello." },
      { prompt: "Bye", response: "See you." },
    ]);
    const model = await ReplayChatModel.fromJsonl(file);
    expect(model.size).toBe(2);
    expect((await model.invoke("Bye")).text).toBe("See you.");
  });

  it("reads custom field names and latency", async () => {
    const file = await jsonl("custom.jsonl", [{ q: "Slow?", a: "Yes.", ms: 40 }]);
    const model = await ReplayChatModel.fromJsonl(file, {
      promptField: "q",
      responseField: "a",
      latencyField: "ms",
      simulateLatency: true,
    });
    const started = performance.now();
    expect((await model.invoke("Slow?")).text).toBe("Yes.");
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it("picks one model's response from an object keyed by model name", async () => {
    const file = await jsonl("models.jsonl", [{ question: "2+2?", response: { big: "4", small: "5" } }]);
    const model = await ReplayChatModel.fromJsonl(file, { promptField: "question", model: "small" });
    expect((await model.invoke("2+2?")).text).toBe("5");
  });

  it("trims prompts so they match the default key", async () => {
    const file = await jsonl("spaces.jsonl", [{ prompt: "  Hi\n", response: "Hello." }]);
    const model = await ReplayChatModel.fromJsonl(file);
    expect(model.has("Hi")).toBe(true);
  });

  it("splits lines on \\n only and skips blank lines", async () => {
    // U+2028 and U+0085 inside a string are not line breaks in JSONL.
    const text = `{"prompt":"a\u2028b","response":"x\u0085y"}\r\n\n   \n{"prompt":"c","response":"d"}\n`;
    const model = await ReplayChatModel.fromJsonl(await jsonl("breaks.jsonl", text));
    expect(model.size).toBe(2);
    expect((await model.invoke("a\u2028b")).text).toBe("x\u0085y");
  });

  it("names the file and line of invalid JSON", async () => {
    const file = await jsonl("broken.jsonl", `{"prompt":"a","response":"b"}\n\n{"prompt": oops}\n`);
    await expect(ReplayChatModel.fromJsonl(file)).rejects.toThrow(`invalid configuration in ${file}: line 3: not valid JSON`);
  });

  it("names the line with a missing prompt field", async () => {
    const file = await jsonl("noprompt.jsonl", [
      { prompt: "a", response: "b" },
      { question: "c", response: "d" },
    ]);
    await expect(ReplayChatModel.fromJsonl(file)).rejects.toThrow(
      `invalid configuration in ${file}: line 2: field "prompt" must be a string`,
    );
  });

  it("asks for a model when responses are keyed by model, listing them", async () => {
    const file = await jsonl("nomodel.jsonl", [{ prompt: "a", response: { big: "1", small: "2" } }]);
    await expect(ReplayChatModel.fromJsonl(file)).rejects.toThrow(/one response per model; pick one with `model` \("big", "small"\)/);
  });

  it("names a model that has no response", async () => {
    const file = await jsonl("wrongmodel.jsonl", [{ prompt: "a", response: { big: "1" } }]);
    await expect(ReplayChatModel.fromJsonl(file, { model: "tiny" })).rejects.toThrow(
      /no string response for model "tiny" in "response" \(has "big"\)/,
    );
  });

  it("rejects a latency that is not a number", async () => {
    const file = await jsonl("badlatency.jsonl", [{ prompt: "a", response: "b", latencyMs: "fast" }]);
    await expect(ReplayChatModel.fromJsonl(file)).rejects.toThrow(
      `invalid configuration in ${file}: line 1: field "latencyMs" must be a number of ms`,
    );
  });
});

describe("ReplayChatModel.fromJsonl on the shared RouteLLM GSM8K responses", () => {
  const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
  const file = path.resolve(repoRoot, "../shared/datasets/routellm/gsm8k_responses.jsonl");

  it("loads all 1319 items and replays Mixtral's answer to the first question", async () => {
    const model = await ReplayChatModel.fromJsonl(file, {
      promptField: "question",
      responseField: "response",
      model: "mistralai/Mixtral-8x7B-Instruct-v0.1",
    });
    expect(model.size).toBe(1319);
    const reply = await model.invoke([
      new HumanMessage(
        "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?",
      ),
    ]);
    expect(reply.text.startsWith(" Janet starts with 16 eggs per day.\nShe eats 3 for breakfast")).toBe(true);
    expect(reply.text).toContain("#### 18");
  });
});

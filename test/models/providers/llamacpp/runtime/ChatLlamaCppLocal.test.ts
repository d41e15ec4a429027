import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ChatLlamaCppLocal,
  disposeAll,
  GgufError,
  llamaRuntimeStats,
  readGgufInfo,
} from "../../../../../src/models/providers/llamacpp/runtime/index.js";

// Random-weight model: output is gibberish, so every assertion is about mechanics, never content.
const repoRoot = fileURLToPath(new URL("../../../../..", import.meta.url));
const MODEL_PATH = path.resolve(repoRoot, "../shared/models/llama-2-tiny-random.gguf");
const SLOW = 60_000;

let tmpDir: string;
let modelCopyPath: string;

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), "llamacpp-test-"));
  // A second path to the same bytes is a second model as far as the registry is concerned.
  modelCopyPath = path.join(tmpDir, "copy.gguf");
  await copyFile(MODEL_PATH, modelCopyPath);
}, SLOW);

afterAll(async () => {
  await disposeAll();
  await rm(tmpDir, { recursive: true, force: true });
}, SLOW);

function newModel(overrides: Partial<ConstructorParameters<typeof ChatLlamaCppLocal>[0]> = {}): ChatLlamaCppLocal {
  return new ChatLlamaCppLocal({ modelPath: MODEL_PATH, maxTokens: 24, ...overrides });
}

describe("ChatLlamaCppLocal", () => {
  it(
    "invoke returns a non-empty string with real token counts",
    async () => {
      const reply = await newModel().invoke([new HumanMessage("Say something.")]);

      expect(AIMessage.isInstance(reply) || AIMessageChunk.isInstance(reply)).toBe(true);
      expect(typeof reply.content).toBe("string");
      expect(reply.text.length).toBeGreaterThan(0);
      expect(reply.usage_metadata?.input_tokens).toBeGreaterThan(0);
      expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(reply.usage_metadata?.total_tokens).toBe(
        (reply.usage_metadata?.input_tokens ?? 0) + (reply.usage_metadata?.output_tokens ?? 0),
      );
    },
    SLOW,
  );

  it(
    "stream yields several chunks that concatenate to an invoke-shaped message",
    async () => {
      const chunks: AIMessageChunk[] = [];
      for await (const chunk of await newModel().stream([new HumanMessage("Say something.")])) chunks.push(chunk);

      expect(chunks.length).toBeGreaterThan(1);
      const whole = chunks.reduce((acc, chunk) => acc.concat(chunk));
      expect(typeof whole.content).toBe("string");
      expect(whole.text).toBe(chunks.map((chunk) => chunk.text).join(""));
      expect(whole.text.length).toBeGreaterThan(0);
      // Usage arrives once (on the last chunk), so the concatenation carries it exactly once.
      expect(chunks.filter((chunk) => chunk.usage_metadata !== undefined)).toHaveLength(1);
      expect(whole.usage_metadata?.input_tokens).toBeGreaterThan(0);
      expect(whole.usage_metadata?.output_tokens).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'LangGraph streamMode "messages" sees the tokens of a node\'s invoke() and its usage',
    async () => {
      const model = newModel({ maxTokens: 8 });
      const graph = new StateGraph(MessagesAnnotation)
        .addNode("llm", async (state) => ({ messages: [await model.invoke(state.messages)] }))
        .addEdge(START, "llm")
        .addEdge("llm", END)
        .compile();

      const streamed: AIMessageChunk[] = [];
      for await (const [message] of await graph.stream({ messages: [new HumanMessage("Hi.")] }, { streamMode: "messages" })) {
        if (AIMessageChunk.isInstance(message)) streamed.push(message);
      }

      expect(streamed.filter((chunk) => chunk.text.length > 0).length).toBeGreaterThan(1);
      expect(streamed.some((chunk) => (chunk.usage_metadata?.output_tokens ?? 0) > 0)).toBe(true);
    },
    SLOW,
  );

  it(
    "maxTokens caps output_tokens",
    async () => {
      const reply = await newModel({ maxTokens: 3 }).invoke("Write a long story.");

      expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(reply.usage_metadata?.output_tokens).toBeLessThanOrEqual(3);
    },
    SLOW,
  );

  it(
    "counts the whole conversation (system prompt and prior turns) as input",
    async () => {
      const model = newModel({ maxTokens: 2 });
      const short = await model.invoke([new HumanMessage("Continue.")]);
      const long = await model.invoke([
        new SystemMessage("You are a terse assistant."),
        new HumanMessage("First question?"),
        new AIMessage("First answer."),
        new HumanMessage("Continue."),
      ]);

      expect(long.usage_metadata?.input_tokens).toBeGreaterThan(short.usage_metadata?.input_tokens ?? Infinity);
    },
    SLOW,
  );

  it(
    "call-time stop ends generation at the stop string",
    async () => {
      const model = newModel({ maxTokens: 40 });
      const prompt = [new HumanMessage("Say something.")];
      // Greedy decoding (temperature 0) repeats itself, so a piece of the first answer recurs.
      const first = await model.invoke(prompt);
      const stop = first.text
        .trim()
        .slice(Math.floor(first.text.trim().length / 2))
        .slice(0, 2);
      expect(stop.length).toBeGreaterThan(0);

      const stopped = await model.invoke(prompt, { stop: [stop] });

      expect(stopped.text).not.toContain(stop);
      expect(stopped.response_metadata.stop_reason).toBe("customStopTrigger");
      expect(stopped.usage_metadata?.output_tokens).toBeLessThan(first.usage_metadata?.output_tokens ?? 0);
    },
    SLOW,
  );

  it(
    "runs concurrent calls across two models at the same time",
    async () => {
      const modelA = newModel({ maxTokens: 48, sequences: 3 });
      // Second model file, different options; 3 calls on 2 sequences also exercises the queue.
      const modelB = new ChatLlamaCppLocal({ modelPath: modelCopyPath, maxTokens: 40, temperature: 0.7, seed: 1, sequences: 2 });

      type Window = { model: string; start: number; end: number; outputTokens: number };
      const call = async (model: ChatLlamaCppLocal, label: string): Promise<Window> => {
        let start = Number.NaN;
        // The window opens at the first generated token, so time spent loading or queued does not count.
        const reply = await model.invoke([new HumanMessage(`Call ${label}.`)], {
          callbacks: [
            {
              awaitHandlers: true,
              handleLLMNewToken: () => {
                if (Number.isNaN(start)) start = performance.now();
              },
            },
          ],
        });
        return { model: label, start, end: performance.now(), outputTokens: reply.usage_metadata?.output_tokens ?? 0 };
      };

      const windows = await Promise.all([
        call(modelA, "A"),
        call(modelA, "A"),
        call(modelA, "A"),
        call(modelB, "B"),
        call(modelB, "B"),
        call(modelB, "B"),
      ]);

      for (const window of windows) {
        expect(window.outputTokens).toBeGreaterThan(0);
        expect(Number.isFinite(window.start)).toBe(true);
      }
      const overlapping = windows.flatMap((a, i) =>
        windows
          .slice(i + 1)
          .filter((b) => a.start < b.end && b.start < a.end)
          .map((b) => [a.model, b.model]),
      );
      expect(overlapping.length).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    "aborting mid-stream rejects promptly",
    async () => {
      const controller = new AbortController();
      // Thousands of tokens would take many seconds; an abort that works ends far sooner.
      const model = newModel({ maxTokens: 4000 });
      let chunks = 0;
      const consume = async (): Promise<void> => {
        for await (const _chunk of await model.stream("Write forever.", { signal: controller.signal })) {
          chunks += 1;
          if (chunks === 1) controller.abort();
        }
      };

      await expect(consume()).rejects.toThrow(/abort/i);
      expect(chunks).toBeGreaterThan(0);
      // The generation itself stops too, far short of its 4000 tokens: the model is idle again.
      await vi.waitFor(() => expect(llamaRuntimeStats().models.every((m) => m.activeCalls === 0)).toBe(true), {
        timeout: 20_000,
        interval: 10,
      });
    },
    SLOW,
  );

  it(
    "aborting invoke mid-generation rejects with ModelAbortError",
    async () => {
      const controller = new AbortController();
      const model = newModel({ maxTokens: 4000 });
      const pending = model.invoke("Write forever.", {
        signal: controller.signal,
        callbacks: [{ awaitHandlers: true, handleLLMNewToken: () => controller.abort() }],
      });

      await expect(pending).rejects.toMatchObject({ name: "ModelAbortError" });
    },
    SLOW,
  );

  it(
    "an aborted call gives its sequence back to the pool",
    async () => {
      // One sequence: if the aborted call kept it, the next call would wait forever.
      const model = newModel({ maxTokens: 4000, sequences: 1 });
      const controller = new AbortController();
      const aborted = model.invoke("Write forever.", {
        signal: controller.signal,
        callbacks: [{ awaitHandlers: true, handleLLMNewToken: () => controller.abort() }],
      });
      await expect(aborted).rejects.toThrow();

      // Same file and layout, so this instance borrows from the very same one-sequence pool.
      const reply = await newModel({ maxTokens: 4, sequences: 1 }).invoke("Again.");
      expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    "a signal aborted before the call rejects without generating",
    async () => {
      const tokens: string[] = [];
      const pending = newModel().invoke("Hello.", {
        signal: AbortSignal.abort(),
        callbacks: [{ awaitHandlers: true, handleLLMNewToken: (token: string) => void tokens.push(token) }],
      });

      await expect(pending).rejects.toThrow();
      expect(tokens).toHaveLength(0);
    },
    SLOW,
  );

  it(
    "getModelInfo reads the GGUF header of its model",
    async () => {
      const info = await newModel().getModelInfo();

      expect(info.parameterCount).toBeGreaterThan(0);
      expect(info.contextLength).toBeGreaterThan(0);
    },
    SLOW,
  );
});

describe("readGgufInfo", () => {
  it("reports parameter count, context length and size for the tiny model", async () => {
    const info = await readGgufInfo(MODEL_PATH);

    expect(info.parameterCount).toBeGreaterThan(0);
    expect(info.contextLength).toBeGreaterThan(0);
    expect(typeof info.architecture).toBe("string");
    expect(info.fileSizeBytes).toBeGreaterThan(0);
  });

  it("rejects a missing path with a GgufError naming the path", async () => {
    const missing = path.join(tmpDir, "does-not-exist.gguf");

    const error = await readGgufInfo(missing).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GgufError);
    expect((error as GgufError).reason).toBe("not-found");
    expect((error as GgufError).message).toContain(missing);
  });

  it("rejects a file that is not GGUF with a GgufError naming the path", async () => {
    const notGguf = path.join(tmpDir, "not-a-model.gguf");
    await writeFile(notGguf, "this is plain text, not a GGUF header\n");

    const error = await readGgufInfo(notGguf).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GgufError);
    expect((error as GgufError).reason).toBe("not-gguf");
    expect((error as GgufError).message).toContain(notGguf);
  });
});

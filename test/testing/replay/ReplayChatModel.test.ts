import { ModelAbortError } from "@langchain/core/errors";
import { AIMessage, type AIMessageChunk, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { ReplayChatModel, type ReplayRecord } from "../../../src/testing/replay/ReplayChatModel.js";
import { ReplayMissError } from "../../../src/testing/replay/ReplayMissError.js";

const records = new Map<string, ReplayRecord>([
  ["What is 2 + 2?", { response: "2 + 2 = 4.\n#### 4", latencyMs: 60 }],
  ["Name a colour.", { response: "Blue." }],
]);

describe("ReplayChatModel", () => {
  it("answers with the recording for the last human message", async () => {
    const model = new ReplayChatModel({ records });
    const reply = await model.invoke([
      new SystemMessage("Be brief."),
      new HumanMessage("Name a colour."),
      new AIMessage("Blue."),
      new HumanMessage("What is 2 + 2?"),
    ]);
    expect(reply.text).toBe("2 + 2 = 4.\n#### 4");
  });

  it("trims the prompt before looking it up", async () => {
    const model = new ReplayChatModel({ records });
    expect((await model.invoke("  Name a colour.\n")).text).toBe("Blue.");
  });

  it("accepts any iterable of entries, the last of repeated keys winning", async () => {
    const model = new ReplayChatModel({
      records: [
        ["Hi", { response: "old" }],
        ["Hi", { response: "new" }],
      ],
    });
    expect(model.size).toBe(1);
    expect((await model.invoke("Hi")).text).toBe("new");
  });

  it("uses a custom key function", async () => {
    const key = (messages: BaseMessage[]) => messages.map((m) => `${m.getType()}:${m.text}`).join("|");
    const model = new ReplayChatModel({ records: [["system:Be brief.|human:Hi", { response: "Hello." }]], key });
    expect((await model.invoke([new SystemMessage("Be brief."), new HumanMessage("Hi")])).text).toBe("Hello.");
  });

  it("throws a ReplayMissError naming the start of the key", async () => {
    const model = new ReplayChatModel({ records });
    const question = "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins.";
    const error = await model.invoke(question).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayMissError);
    expect((error as ReplayMissError).key).toBe(question);
    expect((error as Error).message).toContain(
      'no recorded response for key "Janet’s ducks lay 16 eggs per day. She eats three for breakf…" (2 records)',
    );
  });

  it("replies with onMissing when it is a string", async () => {
    const model = new ReplayChatModel({ records, onMissing: "I don't know." });
    expect((await model.invoke("Unrecorded?")).text).toBe("I don't know.");
  });

  it("reports usage of about four characters per token", async () => {
    const model = new ReplayChatModel({ records });
    const reply = await model.invoke("Name a colour."); // 14 characters in, 5 out
    expect(reply.usage_metadata).toMatchObject({ input_tokens: 4, output_tokens: 2, total_tokens: 6 });
  });

  it("reports the recorded model's name", async () => {
    const model = new ReplayChatModel({ records, model: "gpt-4-1106-preview" });
    expect((await model.invoke("Name a colour.")).response_metadata).toMatchObject({ model_name: "gpt-4-1106-preview" });
  });

  it("answers at once without simulateLatency", async () => {
    // Ten minutes recorded: waiting it out would outlast the test.
    const model = new ReplayChatModel({ records: [["slow", { response: "done", latencyMs: 600_000 }]] });
    expect((await model.invoke("slow")).text).toBe("done");
  });

  it("waits out the recorded latency with simulateLatency", async () => {
    const model = new ReplayChatModel({ records, simulateLatency: true });
    const started = performance.now();
    await model.invoke("What is 2 + 2?");
    // Timers never fire early; allow 1 ms for clock granularity.
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
  });

  it("stops waiting with a ModelAbortError when the call is aborted", async () => {
    const model = new ReplayChatModel({ records: [["slow", { response: "done", latencyMs: 600_000 }]], simulateLatency: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 20);
    const error = await model.invoke("slow", { signal: controller.signal }).catch((e: unknown) => e);
    expect(ModelAbortError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toEqual(new Error("user cancelled"));
  });

  it("stops a stream waiting out its latency when aborted", async () => {
    const model = new ReplayChatModel({ records: [["slow", { response: "done", latencyMs: 600_000 }]], simulateLatency: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 20);
    const drain = async () => {
      for await (const _ of await model.stream("slow", { signal: controller.signal })) void _;
    };
    await expect(drain()).rejects.toThrow(/cancelled|aborted/);
  });

  it("rejects a record without a string response", () => {
    expect(() => new ReplayChatModel({ records: [["Hi", { response: 42 } as unknown as ReplayRecord]] })).toThrow(
      /ReplayChatModel: records\["Hi"\]: expected a record with a string response/,
    );
  });
});

describe("ReplayChatModel streaming", () => {
  const response = "Paris is the capital of France.";
  const model = new ReplayChatModel({ records: [["Capital of France?", { response }]] });

  it("yields the response in several chunks that join to it exactly", async () => {
    const pieces: string[] = [];
    for await (const chunk of await model.stream("Capital of France?")) pieces.push(chunk.text);
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(response);
  });

  it("keeps leading whitespace and line breaks", async () => {
    const spaced = new ReplayChatModel({ records: [["q", { response: " Janet starts\nwith 16 eggs.\n#### 18\n\n" }]] });
    let text = "";
    for await (const chunk of await spaced.stream("q")) text += chunk.text;
    expect(text).toBe(" Janet starts\nwith 16 eggs.\n#### 18\n\n");
  });

  it("passes every chunk to handleLLMNewToken", async () => {
    const tokens: string[] = [];
    const stream = await model.stream("Capital of France?", {
      callbacks: [{ handleLLMNewToken: (token: string) => void tokens.push(token) }],
    });
    for await (const _ of stream) void _;
    expect(tokens.join("")).toBe(response);
    expect(tokens.filter(Boolean).length).toBeGreaterThan(1);
  });

  it("reports usage once in the joined stream", async () => {
    let joined: AIMessageChunk | undefined;
    for await (const chunk of await model.stream("Capital of France?")) joined = joined ? joined.concat(chunk) : chunk;
    expect(joined?.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 8, total_tokens: 13 });
  });
});

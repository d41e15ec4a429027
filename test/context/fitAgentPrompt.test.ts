import { describe, expect, it } from "vitest";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { ContextBudgetError } from "../../src/context/ContextBudgetError.js";
import { fitAgentPrompt, MESSAGE_OVERHEAD_TOKENS, MIN_REFERENCE_TOKENS, type PromptParts } from "../../src/context/fitAgentPrompt.js";
import { ESTIMATE_COUNTER } from "../../src/models/tokenCounter.js";
import { buildAgentMessages } from "../../src/context/buildAgentMessages.js";

const question = new HumanMessage("Which answer is right?");
// Distinct words, so a cut is visible by the last word kept.
const words = (label: string, n: number) => Array.from({ length: n }, (_, i) => `${label}${i}`).join(" ");
const long = words("long", 800); // ~1400 tokens
const medium = words("mid", 300); // ~500 tokens
const short = "A short answer.";

const budget = (windowTokens: number, maxTokens = 100) => ({
  agent: "judge",
  model: "ollama:judge",
  windowTokens,
  maxTokens,
  counter: ESTIMATE_COUNTER,
});
const measure = (messages: BaseMessage[]) => messages.reduce((n, m) => n + Math.ceil(m.text.length / 4) + MESSAGE_OVERHEAD_TOKENS, 0);
const systemText = (messages: BaseMessage[]) => messages[0]!.text;
const responseBlock = (text: string, id: number) => new RegExp(`<response id="${id}">\\n([\\s\\S]*?)\\n</response>`).exec(text)?.[1] ?? "";

function parts(references: string[], conversation: BaseMessage[] = [question]): PromptParts {
  return { conversation, references };
}

describe("fitAgentPrompt", () => {
  it("sends the prompt unchanged when it fits", async () => {
    const fitted = await fitAgentPrompt(parts([short, medium]), budget(8192));
    expect(fitted.messages).toEqual(buildAgentMessages({ conversation: [question], references: [short, medium] }));
    expect(fitted.contextCuts).toBeUndefined();
  });

  it("cuts the longest reference first and keeps shorter ones whole", async () => {
    const fitted = await fitAgentPrompt(parts([medium, long, short]), budget(1600));
    const system = systemText(fitted.messages);
    expect(responseBlock(system, 1)).toBe(medium);
    expect(responseBlock(system, 3)).toBe(short);
    expect(responseBlock(system, 2).length).toBeLessThan(long.length);
    expect(fitted.contextCuts?.references.map((r) => r.index)).toEqual([2]);
  });

  it("cuts a reference from its end, keeping its beginning", async () => {
    const fitted = await fitAgentPrompt(parts([long]), budget(1000));
    const kept = responseBlock(systemText(fitted.messages), 1);
    expect(kept.startsWith("long0 long1 long2")).toBe(true);
    expect(kept).not.toContain("long799");
  });

  it("marks each cut with the number of tokens removed", async () => {
    const fitted = await fitAgentPrompt(parts([long]), budget(1000));
    const [cut] = fitted.contextCuts!.references;
    expect(responseBlock(systemText(fitted.messages), 1)).toMatch(
      new RegExp(`\\n\\[… truncated ${cut!.fromTokens - cut!.toTokens} tokens …\\]$`),
    );
  });

  it("records the sizes before and after, the window and the final prompt size", async () => {
    const fitted = await fitAgentPrompt(parts([long, short]), budget(1000, 200));
    const cuts = fitted.contextCuts!;
    expect(cuts.references).toEqual([{ index: 1, fromTokens: Math.ceil(long.length / 4), toTokens: expect.any(Number) }]);
    expect(cuts.references[0]!.toTokens).toBeLessThan(cuts.references[0]!.fromTokens);
    expect(cuts).toMatchObject({ droppedMessages: 0, windowTokens: 1000, tokenizer: "estimate" });
    expect(cuts.promptTokens).toBe(measure(fitted.messages));
    expect(cuts.promptTokens).toBeLessThanOrEqual(1000 - 200);
  });

  it("uses the room it has: the cut prompt is close to the budget", async () => {
    const fitted = await fitAgentPrompt(parts([long, medium]), budget(1200));
    expect(fitted.contextCuts!.promptTokens).toBeGreaterThan(1100 - 20);
  });

  it("never cuts the user's latest question, however long", async () => {
    const bigQuestion = new HumanMessage(words("q", 400));
    const fitted = await fitAgentPrompt(parts([long], [bigQuestion]), budget(1500));
    expect(fitted.messages.at(-1)).toBe(bigQuestion);
    expect(fitted.contextCuts!.references).toHaveLength(1);
  });

  it("leaves out the oldest turns, whole, when references at their minimum still do not fit", async () => {
    const history = [
      new HumanMessage(words("old", 200)),
      new AIMessage(words("reply", 200)),
      new HumanMessage(words("older", 200)),
      new AIMessage("ok"),
    ];
    const conversation = [new SystemMessage("Be exact."), ...history, question];
    // Room 900: system ~290, two minimal references ~145, question ~15, first turn ~640, second ~365.
    const fitted = await fitAgentPrompt(parts([long, long], conversation), budget(1000, 100));
    const sent = fitted.messages.slice(1);
    expect(fitted.contextCuts!.droppedMessages).toBe(2);
    expect(sent.map((m) => m.text)).toEqual([history[2]!.text, "ok", question.text]);
    expect(systemText(fitted.messages)).toContain("Be exact.");
  });

  it("gives the room freed by dropped turns back to the references", async () => {
    const conversation = [new HumanMessage(words("old", 400)), new AIMessage("fine"), question];
    const fitted = await fitAgentPrompt(parts([long], conversation), budget(900, 100));
    expect(fitted.contextCuts!.droppedMessages).toBe(2);
    expect(fitted.contextCuts!.references[0]!.toTokens).toBeGreaterThan(MIN_REFERENCE_TOKENS * 3);
  });

  it("fails, naming the agent and the sizes, when the question alone does not fit", async () => {
    const huge = new HumanMessage("x".repeat(40_000));
    const error = await fitAgentPrompt(parts([short], [huge]), budget(4096, 512)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextBudgetError);
    const { message, sizes } = error as ContextBudgetError;
    expect(message).toContain('"judge" (ollama:judge)');
    expect(message).toMatch(/latest user message alone is 10008\b/);
    expect(message).toContain("window of 4096 tokens minus maxTokens 512 leaves 3584");
    expect(sizes.minimumPromptTokens).toBeGreaterThan(10_000);
  });
});

import { BaseChatModel, type BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";

/** How a scripted model answers. */
export interface ScriptedChatModelOptions extends BaseChatModelParams {
  /** Fixed text or a function of the received messages. */
  reply?: string | ((messages: BaseMessage[]) => string);
  /** Delay before answering (fixed, or drawn per call); aborted by the call's signal. */
  latencyMs?: number | (() => number);
  /** Makes every call fail with this message. */
  fail?: string;
  /** Name shown by getName(). */
  label?: string;
}

/** A call the model received, with its timing. */
export interface ScriptedCall {
  messages: BaseMessage[];
  startedAt: number;
  endedAt?: number;
}

/**
 * Test double chat model: answers from a script after a delay, honours AbortSignal, streams in word
 * chunks, reports word-count token usage, and records every call.
 */
export class ScriptedChatModel extends BaseChatModel {
  readonly calls: ScriptedCall[] = [];
  private readonly options: ScriptedChatModelOptions;

  constructor(options: ScriptedChatModelOptions = {}) {
    super(options);
    this.options = options;
  }

  _llmType(): string {
    return "scripted";
  }

  override getName(): string {
    return this.options.label ?? "ScriptedChatModel";
  }

  private async answer(messages: BaseMessage[], signal?: AbortSignal): Promise<string> {
    const call: ScriptedCall = { messages, startedAt: performance.now() };
    this.calls.push(call);
    try {
      const { latencyMs } = this.options;
      const delay = typeof latencyMs === "function" ? latencyMs() : latencyMs;
      if (delay) await sleep(delay, signal);
      if (this.options.fail) throw new Error(this.options.fail);
      const { reply = "scripted answer" } = this.options;
      return typeof reply === "function" ? reply(messages) : reply;
    } finally {
      call.endedAt = performance.now();
    }
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const text = await this.answer(messages, options.signal);
    const message = new AIMessage({ content: text, usage_metadata: usage(messages, text) });
    return { generations: [{ text, message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const text = await this.answer(messages, options.signal);
    const words = text.split(/(?<= )/);
    for (const [i, word] of words.entries()) {
      const last = i === words.length - 1;
      const chunk = new ChatGenerationChunk({
        text: word,
        message: new AIMessageChunk({ content: word, ...(last ? { usage_metadata: usage(messages, text) } : {}) }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(word, undefined, undefined, undefined, undefined, { chunk });
    }
  }
}

function usage(messages: BaseMessage[], text: string) {
  const input = messages.reduce((n, m) => n + m.text.split(/\s+/).filter(Boolean).length, 0);
  const output = text.split(/\s+/).filter(Boolean).length;
  return { input_tokens: input, output_tokens: output, total_tokens: input + output };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error("aborted"));
      },
      { once: true },
    );
  });
}

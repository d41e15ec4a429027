import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";

interface ToolCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/** How {@link ToolCallingChatModel} answers. */
export interface ToolCallingChatModelOptions {
  /** Arguments of the tool call made when tools are bound. */
  toolArgs: Record<string, unknown>;
  /** Text answered when no tools are bound. */
  text?: string;
  /** Delay before answering; aborted by the call's signal. */
  latencyMs?: number;
  /**
   * Answer with an `AIMessageChunk` (default, like ChatOllama and other streaming-based providers) or
   * a plain `AIMessage`. LangChain's base `withStructuredOutput` accepts only chunks.
   */
  answerAs?: "chunk" | "message";
}

/**
 * A chat model with tool calling, so LangChain's own `BaseChatModel.withStructuredOutput` (bind a
 * tool, read the tool call's arguments, no schema validation) runs unchanged. With tools bound it calls the first tool with
 * `toolArgs`; without, it answers `text`. Records the tools and messages of every call.
 *
 * @example
 * const model = new ToolCallingChatModel({ toolArgs: { category: "tech", confidence: 0.8, reason: "crash" } });
 * await model.withStructuredOutput(schema, { name: "route" }).invoke("The app crashes"); // the toolArgs
 */
export class ToolCallingChatModel extends BaseChatModel<ToolCallOptions> {
  readonly calls: Array<{ messages: BaseMessage[]; tools: BindToolsInput[] }> = [];

  constructor(private readonly script: ToolCallingChatModelOptions) {
    super({});
  }

  _llmType(): string {
    return "tool-calling-test";
  }

  override bindTools(tools: BindToolsInput[]): Runnable<BaseLanguageModelInput, AIMessageChunk, ToolCallOptions> {
    return this.withConfig({ tools });
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const tools = options.tools ?? [];
    this.calls.push({ messages, tools });
    if (this.script.latencyMs) await abortableDelay(this.script.latencyMs, options.signal);
    const first = tools[0] as { function?: { name?: string } } | undefined;
    const name = first?.function?.name;
    const fields = name
      ? { content: "", tool_calls: [{ id: "call_1", type: "tool_call" as const, name, args: this.script.toolArgs }] }
      : { content: this.script.text ?? "" };
    const message = this.script.answerAs === "message" ? new AIMessage(fields) : new AIMessageChunk(fields);
    return { generations: [{ text: message.text, message }] };
  }
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

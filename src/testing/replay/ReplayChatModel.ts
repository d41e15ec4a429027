import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { ModelAbortError } from "@langchain/core/errors";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type LangSmithParams,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage, type UsageMetadata } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { delay } from "./delay.js";
import { ReplayMissError } from "./ReplayMissError.js";
import { replayRecordsFromJsonl, type ReplayJsonlFields, type ReplayRecord } from "./replayRecordsFromJsonl.js";
import { ConfigError } from "../../errors/ConfigError.js";

export type { ReplayRecord } from "./replayRecordsFromJsonl.js";

/** Constructor options of {@link ReplayChatModel}. */
export interface ReplayChatModelInput extends BaseChatModelParams {
  /** Recordings by key: a Map, or any iterable of `[key, record]` entries (on repeats the last wins). */
  records: Iterable<readonly [string, ReplayRecord]>;
  /** Lookup key of a call. Default: the text of the last human message, trimmed. */
  key?: (messages: BaseMessage[]) => string;
  /** `"throw"` (default) raises {@link ReplayMissError} for an unrecorded key; any other string is replied instead. */
  onMissing?: "throw" | (string & {});
  /** Wait each record's `latencyMs` before answering (abortable). Default false: answers at once. */
  simulateLatency?: boolean;
  /** Name of the recorded model, reported in response metadata and tracing. */
  model?: string;
}

/** Options of {@link ReplayChatModel.fromJsonl}: which fields to read, plus the constructor's options. */
export type ReplayFromJsonlOptions = ReplayJsonlFields & Omit<ReplayChatModelInput, "records">;

/**
 * A LangChain chat model that answers from recorded outputs, keyed by prompt: evaluations and
 * benchmarks over logged model responses run through the same graphs as live models, offline and
 * deterministically. Streams word by word, reports rough token usage (about four characters per
 * token) and can replay the recorded latency.
 *
 * @example
 * const gpt4 = await ReplayChatModel.fromJsonl("../shared/datasets/routellm/gsm8k_responses.jsonl", {
 *   promptField: "question", responseField: "response", model: "gpt-4-1106-preview",
 * });
 * const reply = await gpt4.invoke([new HumanMessage(question)]);
 *
 * const scripted = new ReplayChatModel({ records: new Map([["Hi", { response: "Hello!", latencyMs: 120 }]]), simulateLatency: true });
 */
export class ReplayChatModel extends BaseChatModel<BaseChatModelCallOptions, AIMessageChunk> {
  readonly model?: string;
  readonly simulateLatency: boolean;
  private readonly records: ReadonlyMap<string, ReplayRecord>;
  private readonly keyOf: (messages: BaseMessage[]) => string;
  private readonly onMissing: string;

  static override lc_name(): string {
    return "ReplayChatModel";
  }

  /**
   * Loads recordings from a JSONL file, one `{prompt, response}` line each (field names
   * configurable). The response may be an object keyed by model name, as in the shared RouteLLM
   * dataset; `model` then picks one.
   *
   * @example
   * const mixtral = await ReplayChatModel.fromJsonl("gsm8k_responses.jsonl", {
   *   promptField: "question", responseField: "response", model: "mistralai/Mixtral-8x7B-Instruct-v0.1",
   * });
   */
  static async fromJsonl(path: string, options: ReplayFromJsonlOptions = {}): Promise<ReplayChatModel> {
    const { promptField, responseField, latencyField, ...input } = options;
    const records = await replayRecordsFromJsonl(path, { model: options.model, promptField, responseField, latencyField });
    return new ReplayChatModel({ ...input, records });
  }

  constructor(fields: ReplayChatModelInput) {
    super(fields);
    const records = new Map<string, ReplayRecord>();
    for (const [key, record] of fields.records) {
      if (typeof record?.response !== "string") {
        throw new ConfigError(
          [{ path: `records[${JSON.stringify(key.slice(0, 60))}]`, message: "expected a record with a string response" }],
          "ReplayChatModel",
        );
      }
      records.set(key, record);
    }
    this.records = records;
    this.keyOf = fields.key ?? lastHumanText;
    this.onMissing = fields.onMissing ?? "throw";
    this.simulateLatency = fields.simulateLatency ?? false;
    this.model = fields.model;
  }

  /** Number of distinct recorded keys. */
  get size(): number {
    return this.records.size;
  }

  /** Whether a recording exists for `key`. */
  has(key: string): boolean {
    return this.records.has(key);
  }

  _llmType(): string {
    return "replay";
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    return { ...super.getLsParams(options), ls_provider: "replay", ls_model_name: this.model ?? "replay", ls_model_type: "chat" };
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const text = await this.replay(messages, options.signal);
    const message = new AIMessage({ content: text, usage_metadata: usage(messages, text), response_metadata: this.responseMetadata() });
    return { generations: [{ text, message }] };
  }

  /** Yields the response word by word, then an empty chunk carrying `usage_metadata` (counted once when chunks are joined). */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const text = await this.replay(messages, options.signal);
    for (const piece of text.match(/\s*\S+\s*/gu) ?? [text]) {
      const chunk = new ChatGenerationChunk({ text: piece, message: new AIMessageChunk({ content: piece }) });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, undefined, undefined, undefined, undefined, { chunk });
    }
    const last = new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({ content: "", usage_metadata: usage(messages, text), response_metadata: this.responseMetadata() }),
    });
    yield last;
    // LangGraph's "messages" stream mode only sees chunks passed to this callback; the usage belongs there too.
    await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk: last });
  }

  private async replay(messages: BaseMessage[], signal: AbortSignal | undefined): Promise<string> {
    if (signal?.aborted) throw abortError(signal);
    const key = this.keyOf(messages);
    const record = this.records.get(key);
    if (record === undefined && this.onMissing === "throw") throw new ReplayMissError(key, this.records.size);
    if (this.simulateLatency && record?.latencyMs) {
      try {
        await delay(record.latencyMs, signal);
      } catch {
        throw abortError(signal);
      }
    }
    return record?.response ?? this.onMissing;
  }

  private responseMetadata(): Record<string, unknown> {
    return this.model === undefined ? {} : { model_name: this.model };
  }
}

/** Same error type as the other chat models of this package, so callers handle aborts one way. */
function abortError(signal: AbortSignal | undefined): ModelAbortError {
  const error = new ModelAbortError("Model invocation was aborted.");
  error.cause = signal?.reason;
  return error;
}

/** The default key: the last human message's text, trimmed ("" when there is none). */
function lastHumanText(messages: BaseMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.getType() === "human") return message.text.trim();
  }
  return "";
}

/** Rough counts for budgeting and summaries: about four characters per token, at least one for non-empty text. */
function usage(messages: BaseMessage[], output: string): UsageMetadata {
  const input = messages.reduce((n, m) => n + approxTokens(m.text), 0);
  const outputTokens = approxTokens(output);
  return { input_tokens: input, output_tokens: outputTokens, total_tokens: input + outputTokens };
}

function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

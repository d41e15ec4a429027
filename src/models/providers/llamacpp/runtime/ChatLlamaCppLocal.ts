import path from "node:path";
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
import { AsyncQueue } from "./asyncQueue.js";
import { readGgufInfo, type GgufInfo } from "./ggufInfo.js";
import { ensureModelFile } from "../download/ensureModelFile.js";
import { withLlamaModel } from "./llamaRuntime.js";
import { toLlamaChat } from "./messages.js";
import { runChat, type ChatRunOutcome } from "./runChat.js";
import { ConfigError } from "../../../../errors/ConfigError.js";

/** Constructor options of {@link ChatLlamaCppLocal}. */
export interface ChatLlamaCppLocalInput extends BaseChatModelParams {
  /** GGUF file; relative paths resolve against the working directory. */
  modelPath: string;
  /** Sampling temperature; node-llama-cpp's default (0, greedy) when unset. */
  temperature?: number;
  /** Generated-token cap per call. Default: the room left in the sequence's context. */
  maxTokens?: number;
  topP?: number;
  topK?: number;
  /** Sampling seed; only has an effect with a temperature above 0. */
  seed?: number;
  /** Strings that end generation (not included in the output). Merged with call-time `stop`. */
  stop?: string[];
  /** Tokens per sequence. Default: as much as memory allows, capped at 4096. */
  contextSize?: number;
  /** Concurrent calls this model can serve before callers queue. Default 4. */
  sequences?: number;
  /** CPU threads. Default: all cores but one (at least one), shared with other models running at the same time. */
  threads?: number;
  /**
   * An `hf:` URI to download `modelPath` from when the file is not there yet (on first call, into
   * the model cache; concurrent callers share one transfer). See `ensureModelFile`.
   */
  downloadFrom?: string;
}

/** Call options: the standard ones (`stop`, `signal`, `timeout`, callbacks, ...). */
export type ChatLlamaCppLocalCallOptions = BaseChatModelCallOptions;

/** Parameters reported to tracing for each call. */
export interface ChatLlamaCppLocalInvocationParams {
  model_path: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  top_k?: number;
  seed?: number;
  stop?: string[];
  context_size?: number;
  sequences?: number;
}

/**
 * LangChain chat model running a GGUF file in-process through node-llama-cpp.
 *
 * Instances are cheap: the model file is loaded once per process and shared (see
 * `llamaRuntime.ts`). Each call borrows one of the context's sequences, so up to `sequences` calls
 * on one model run at the same time (node-llama-cpp batches their tokens), further calls queue,
 * and calls on different models run independently.
 *
 * @example
 * const model = new ChatLlamaCppLocal({ modelPath: "models/qwen2.5-0.5b-instruct-q4_k_m.gguf", maxTokens: 256 });
 * const reply = await model.invoke([new SystemMessage("Be brief."), new HumanMessage("Why is the sky blue?")]);
 * console.log(reply.content, reply.usage_metadata);
 * for await (const chunk of await model.stream("Count to five")) process.stdout.write(String(chunk.content));
 */
export class ChatLlamaCppLocal extends BaseChatModel<ChatLlamaCppLocalCallOptions, AIMessageChunk> {
  readonly modelPath: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stop?: string[];
  contextSize?: number;
  sequences?: number;
  threads?: number;
  downloadFrom?: string;

  static override lc_name(): string {
    return "ChatLlamaCppLocal";
  }

  constructor(fields: ChatLlamaCppLocalInput) {
    super(fields);
    if (!fields.modelPath)
      throw new ConfigError([{ path: "modelPath", message: "expected the path of a .gguf file" }], "ChatLlamaCppLocal");
    if (fields.maxTokens !== undefined && !(Number.isInteger(fields.maxTokens) && fields.maxTokens > 0)) {
      throw new ConfigError([{ path: "maxTokens", message: `expected a positive integer, got ${fields.maxTokens}` }], "ChatLlamaCppLocal");
    }
    this.modelPath = path.resolve(fields.modelPath);
    this.temperature = fields.temperature;
    this.maxTokens = fields.maxTokens;
    this.topP = fields.topP;
    this.topK = fields.topK;
    this.seed = fields.seed;
    this.stop = fields.stop;
    this.contextSize = fields.contextSize;
    this.sequences = fields.sequences;
    this.threads = fields.threads;
    this.downloadFrom = fields.downloadFrom;
  }

  _llmType(): string {
    return "llamacpp-local";
  }

  /** Reads the model file's GGUF header (no load). */
  async getModelInfo(): Promise<GgufInfo> {
    await this.ensureFile();
    return readGgufInfo(this.modelPath);
  }

  /**
   * Tokens `text` takes in this model's vocabulary (no chat template, no special tokens). Loads the
   * model with this instance's context layout on first use, as a call would, so it costs no extra memory.
   *
   * @example
   * await model.countTokens("Hello world"); // e.g. 3
   */
  async countTokens(text: string): Promise<number> {
    await this.ensureFile();
    return withLlamaModel({ ...this.layout(), fn: async (handle) => handle.model.tokenize(text).length });
  }

  override invocationParams(options?: this["ParsedCallOptions"]): ChatLlamaCppLocalInvocationParams {
    return {
      model_path: this.modelPath,
      temperature: this.temperature,
      max_tokens: this.maxTokens,
      top_p: this.topP,
      top_k: this.topK,
      seed: this.seed,
      stop: this.mergedStop(options),
      context_size: this.contextSize,
      sequences: this.sequences,
    };
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    return {
      ls_provider: "llamacpp-local",
      ls_model_name: path.basename(this.modelPath),
      ls_model_type: "chat",
      ls_temperature: this.temperature,
      ls_max_tokens: this.maxTokens,
      ls_stop: this.mergedStop(options),
    };
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    // Token callbacks still fire on invoke(), so handlers that only listen for tokens see them.
    const outcome = await this.run(messages, options, options.signal, (text) => {
      void runManager?.handleLLMNewToken(text);
    });
    const message = new AIMessage({
      content: outcome.text,
      usage_metadata: toUsage(outcome),
      response_metadata: this.responseMetadata(outcome),
    });
    return {
      generations: [{ text: outcome.text, message, generationInfo: this.responseMetadata(outcome) }],
      llmOutput: {
        tokenUsage: {
          promptTokens: outcome.inputTokens,
          completionTokens: outcome.outputTokens,
          totalTokens: outcome.inputTokens + outcome.outputTokens,
        },
      },
    };
  }

  /**
   * Yields one chunk per piece of generated text, then a final empty chunk carrying
   * `usage_metadata` (LangChain sums usage when it concatenates chunks, so it must appear once).
   */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    // A consumer that stops iterating early never aborts the caller's signal; this one lets the
    // finally block stop the generation so the sequence goes back to the pool promptly.
    const stopper = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
    const queue = new AsyncQueue<string>();
    const outcome = this.run(messages, options, signal, (text) => queue.push(text));
    outcome.then(
      () => queue.end(),
      (error: unknown) => queue.fail(error),
    );

    try {
      for await (const text of queue) {
        const chunk = new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
        yield chunk;
        await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk });
      }
      const result = await outcome;
      const metadata = this.responseMetadata(result);
      const last = new ChatGenerationChunk({
        text: "",
        message: new AIMessageChunk({ content: "", usage_metadata: toUsage(result), response_metadata: metadata }),
        generationInfo: metadata,
      });
      yield last;
      // Like ChatOpenAI's usage chunk: LangGraph's `streamMode: "messages"` only sees chunks that
      // pass through this callback, and consumers there want the token counts too.
      await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk: last });
    } finally {
      stopper.abort();
      await outcome.catch(() => undefined);
    }
  }

  /** Downloads the model file on first use when it comes from an `hf:` URI. */
  private async ensureFile(signal?: AbortSignal): Promise<void> {
    if (this.downloadFrom === undefined) return;
    // Checked once per instance: a cached file against its manifest, a missing one downloaded.
    this.fileReady ??= ensureModelFile({ source: this.downloadFrom, ...(signal ? { signal } : {}) }).then(
      () => undefined,
      (error: unknown) => {
        this.fileReady = undefined;
        throw error;
      },
    );
    await this.fileReady;
  }

  private fileReady: Promise<void> | undefined;

  /** One generation: hold the model, borrow a sequence, run; maps aborts to ModelAbortError. */
  private async run(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    signal: AbortSignal | undefined,
    onText: (text: string) => void,
  ): Promise<ChatRunOutcome> {
    let partial = "";
    try {
      const params = {
        temperature: this.temperature,
        maxTokens: this.maxTokens,
        topP: this.topP,
        topK: this.topK,
        seed: this.seed,
        stop: this.mergedStop(options),
      };
      const chat = toLlamaChat(messages);
      await this.ensureFile(signal);
      // The model stays in use (never unloaded to make room for another) until the call settles.
      return await withLlamaModel({
        ...this.layout(),
        signal,
        fn: (handle) =>
          runChat(handle, chat, params, {
            signal,
            onText: (text) => {
              partial += text;
              onText(text);
            },
          }),
      });
    } catch (error) {
      if (signal?.aborted) {
        const abortError = new ModelAbortError("Model invocation was aborted.", new AIMessageChunk({ content: partial }));
        abortError.cause = signal.reason ?? error;
        throw abortError;
      }
      throw error;
    }
  }

  private layout(): { modelPath: string; contextSize?: number; sequences?: number; threads?: number } {
    return { modelPath: this.modelPath, contextSize: this.contextSize, sequences: this.sequences, threads: this.threads };
  }

  private mergedStop(options?: this["ParsedCallOptions"]): string[] | undefined {
    const merged = [...(this.stop ?? []), ...(options?.stop ?? [])];
    return merged.length > 0 ? [...new Set(merged)] : undefined;
  }

  private responseMetadata(outcome: ChatRunOutcome): Record<string, string> {
    return { model_name: path.basename(this.modelPath), stop_reason: outcome.stopReason };
  }
}

function toUsage(outcome: ChatRunOutcome): UsageMetadata {
  return {
    input_tokens: outcome.inputTokens,
    output_tokens: outcome.outputTokens,
    total_tokens: outcome.inputTokens + outcome.outputTokens,
  };
}

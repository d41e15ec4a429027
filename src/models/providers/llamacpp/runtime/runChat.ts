import type { ChatHistoryItem } from "node-llama-cpp";
import { loadNodeLlamaCpp, type NodeLlamaCpp } from "./loadNodeLlamaCpp.js";
import type { LlamaChatInput } from "./messages.js";
import type { ModelHandle } from "./llamaRuntime.js";

/** Sampling settings for one generation; `undefined` leaves node-llama-cpp's default. */
export interface SamplingParams {
  temperature?: number;
  /** Generated-token cap. Default: whatever room the sequence has left after the prompt. */
  maxTokens?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stop?: string[];
}

/** What one generation produced, with real token counts. */
export interface ChatRunOutcome {
  text: string;
  /** node-llama-cpp's reason: `"eogToken"`, `"maxTokens"`, `"customStopTrigger"`, ... */
  stopReason: string;
  inputTokens: number;
  outputTokens: number;
}

/** Callbacks and cancellation for {@link runChat}. */
export interface ChatRunControl {
  signal?: AbortSignal;
  /** Called with each piece of response text as it is generated. */
  onText?: (text: string) => void;
}

/**
 * Answers one conversation on a pooled sequence of `handle`'s model: builds a throw-away
 * `LlamaChatSession` on the sequence, loads the history, generates, and disposes the session
 * (the runtime then clears the sequence). Rejects with `signal.reason` when aborted.
 *
 * @example
 * const handle = await acquireModel(modelPath);
 * const outcome = await runChat(handle, toLlamaChat(messages), { maxTokens: 64 }, { onText: console.log });
 */
export function runChat(
  handle: ModelHandle,
  input: LlamaChatInput,
  params: SamplingParams,
  control: ChatRunControl = {},
): Promise<ChatRunOutcome> {
  return handle.withSequence(async (sequence) => {
    const llamaCpp = await loadNodeLlamaCpp();
    const { LlamaChatSession } = llamaCpp;
    // Pass the resolved wrapper so each call skips template resolution; the session keeps the
    // sequence (autoDisposeSequence defaults to false), which goes back to the pool afterwards.
    const session = new LlamaChatSession({ contextSequence: sequence, chatWrapper: handle.chatWrapper });
    try {
      // Replaces the session's initial history, which would otherwise carry node-llama-cpp's
      // default system prompt into conversations that have none.
      session.setChatHistory(input.history);
      const inputTokens = countPromptTokens(handle, input, llamaCpp);
      const meterBefore = sequence.tokenMeter.getState();
      const stop = params.stop?.filter((trigger) => trigger.length > 0);

      const result = await session.promptWithMeta(input.prompt, {
        temperature: params.temperature,
        topP: params.topP,
        topK: params.topK,
        seed: params.seed,
        // node-llama-cpp treats an unset cap as "until end of generation", and keeps going past a
        // full context by shifting it; a model that never emits EOG would then run forever.
        maxTokens: params.maxTokens ?? Math.max(1, sequence.contextSize - inputTokens),
        customStopTriggers: stop && stop.length > 0 ? stop : undefined,
        signal: control.signal,
        onTextChunk: control.onText
          ? (text) => {
              if (text.length > 0) control.onText?.(text);
            }
          : undefined,
      });

      // The meter counts one "output" per sampled token (including a token that completed a stop
      // trigger and so never shows in the text); the sequence is used by this call alone.
      const outputTokens = sequence.tokenMeter.diff(meterBefore).usedOutputTokens;
      return { text: result.responseText, stopReason: result.stopReason, inputTokens, outputTokens };
    } finally {
      session.dispose();
    }
  }, control.signal);
}

/**
 * Tokenizes the templated prompt exactly as the session renders it (history + user turn + empty
 * model turn). Counting this way, instead of reading the sequence's meter, keeps the number right
 * even if a future version reuses cached prefix tokens and evaluates fewer of them.
 */
function countPromptTokens(handle: ModelHandle, input: LlamaChatInput, { appendUserMessageToChatHistory }: NodeLlamaCpp): number {
  const chatHistory: ChatHistoryItem[] = [...appendUserMessageToChatHistory(input.history, input.prompt), { type: "model", response: [] }];
  const { contextText } = handle.chatWrapper.generateContextState({ chatHistory });
  return contextText.tokenize(handle.model.tokenizer).length;
}

import { AsyncLocalStorage } from "node:async_hooks";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import { ChatOllama, type ChatOllamaInput } from "@langchain/ollama";

// The signal of the call whose request is being made. ChatOllama hands its client no signal: it only
// stops reading between chunks, so a cancelled call kept the request (and the server's GPU) busy until
// the model finished. The fetch below reads the signal from here and aborts the request itself.
const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

/**
 * `ChatOllama` whose calls abort their HTTP request when the call's signal aborts (a cancelled run, a
 * quorum straggler, a client that went away), also before the first byte arrives.
 *
 * @example
 * const model = new AbortableChatOllama({ model: "qwen2.5:1.5b" });
 * await model.invoke("Hi", { signal: AbortSignal.timeout(5_000) });
 */
export class AbortableChatOllama extends ChatOllama {
  constructor(fields: ChatOllamaInput) {
    super({ ...fields, fetch: signalledFetch(fields.fetch ?? fetch) });
  }

  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    return callSignal.run(options.signal, () => super._generate(messages, options, runManager));
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    // Each step of the parent's generator runs with the signal in context: the request is made in one of them.
    const chunks = super._streamResponseChunks(messages, options, runManager);
    for (;;) {
      const step = await callSignal.run(options.signal, () => chunks.next());
      if (step.done) return;
      yield step.value;
    }
  }
}

function signalledFetch(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const signal = callSignal.getStore();
    if (!signal) return inner(input, init);
    return inner(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
  };
}

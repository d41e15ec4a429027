import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

/** Where one call of a batch runs: the model instance of the chosen worker, and how to take its turn. */
export interface BoundCall {
  model: BaseChatModel;
  /** Waits for the call's turn in the worker's plan; the returned function ends the turn. */
  turn: () => Promise<() => void>;
}

/** Options of {@link WorkerBoundChatModel}. */
export interface WorkerBoundChatModelOptions {
  /** The workload model this stands for, for errors. */
  name: string;
  /** Finds the worker and turn of the call being made now (the batch knows which query is running). */
  bind: () => BoundCall;
}

/**
 * The model a batch's graphs call in place of an expert or aggregator: each call goes to the worker the
 * schedule chose for that query, when that worker's plan reaches it.
 *
 * @example
 * new WorkerBoundChatModel({ name: "general", bind: () => ({ model: chatOn[worker], turn: () => lane.turn(step) }) });
 */
export class WorkerBoundChatModel extends BaseChatModel {
  // Plain fields, not #private: LangChain copies chat models (with their fields) when it configures them.
  readonly modelName: string;
  readonly bindCall: () => BoundCall;

  constructor({ name, bind }: WorkerBoundChatModelOptions) {
    super({});
    this.modelName = name;
    this.bindCall = bind;
  }

  _llmType(): string {
    return `worker-bound:${this.modelName}`;
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const { model, turn } = this.bindCall();
    const release = await turn();
    try {
      const message = await model.invoke(messages, options.signal ? { signal: options.signal } : {});
      return { generations: [{ text: message.text, message }], llmOutput: {} };
    } finally {
      release();
    }
  }
}

import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

/** Where one call of a batch runs: the model instance of the chosen worker, and how to take its turn. */
export interface BoundCall {
  model: BaseChatModel;
  /** The worker's name, for errors. */
  worker: string;
  /** Waits for the call's turn in the worker's plan; the returned function ends the turn. */
  turn: () => Promise<() => void>;
}

/** Options of {@link WorkerBoundChatModel}. */
export interface WorkerBoundChatModelOptions {
  /** The workload model this stands for, for errors. */
  name: string;
  /** Finds the worker and turn of the call being made now (the batch knows which query is running). */
  bind: () => BoundCall;
  /**
   * Limit on one call once its turn has come. The graph's own per-call deadline cannot be used: it would
   * also count the wait for the turn, which in a long batch is hours.
   */
  callTimeoutMs: number;
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
  readonly callTimeoutMs: number;

  constructor({ name, bind, callTimeoutMs }: WorkerBoundChatModelOptions) {
    super({});
    this.modelName = name;
    this.bindCall = bind;
    this.callTimeoutMs = callTimeoutMs;
  }

  // Records and errors name the workload's model, not this class.
  override getName(): string {
    return this.modelName;
  }

  _llmType(): string {
    return `worker-bound:${this.modelName}`;
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const { model, turn, worker } = this.bindCall();
    const release = await turn();
    const timeout = AbortSignal.timeout(this.callTimeoutMs);
    try {
      const message = await model.invoke(messages, { signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
      // Some clients end a cut stream with what they had instead of rejecting: an aborted call is no answer.
      this.throwIfCut(timeout, options.signal, worker);
      return { generations: [{ text: message.text, message }], llmOutput: {} };
    } catch (error) {
      this.throwIfCut(timeout, options.signal, worker, error);
      throw error;
    } finally {
      release();
    }
  }

  private throwIfCut(timeout: AbortSignal, signal: AbortSignal | undefined, worker: string, cause?: unknown): void {
    signal?.throwIfAborted();
    if (timeout.aborted) throw new Error(`${this.modelName} on ${worker} did not answer within ${this.callTimeoutMs / 1000} s`, { cause });
  }
}

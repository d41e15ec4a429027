import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelRef } from "./ModelRef.js";
import type { ResolvedModelSettings } from "./modelSettings.js";

/** What a model provider needs to know of an agent to create, check and serve its model. */
export interface ModelAgent {
  /** Graph node id, e.g. `layer1/qwen2.5-1.5b`; names the agent in messages. */
  id: string;
  name: string;
  /** Parsed reference, or the chat model instance given in code. */
  model: ModelRef | BaseChatModel;
  /** The reference string or the instance's class, for logs and tables. */
  modelLabel: string;
  settings: ResolvedModelSettings;
  /**
   * The most calls the topology makes on this agent's model at once (its largest layer's agents on
   * that model). In-process runtimes reserve that much concurrency, and no more.
   */
  concurrentCalls?: number;
}

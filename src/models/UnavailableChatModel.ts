import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

/**
 * Stands in for an agent whose model could not be set up (e.g. an `openai:` model without a key):
 * every call fails with the setup error, so the failure is recorded for that agent like any other
 * model failure instead of stopping the whole graph from being built.
 */
export class UnavailableChatModel extends BaseChatModel {
  readonly reason: Error;

  constructor(reason: Error) {
    super({});
    this.reason = reason;
  }

  _llmType(): string {
    return "unavailable";
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    throw this.reason;
  }
}

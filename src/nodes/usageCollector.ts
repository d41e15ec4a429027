import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { LLMResult } from "@langchain/core/outputs";
import type { TokenUsage } from "../state/moaState.js";

/**
 * Adds up the token usage of every model call made under it. Routers call their model internally,
 * so this is how the router's tokens reach the cost accounting without changing the Router interface.
 */
export class UsageCollector extends BaseCallbackHandler {
  name = "moa_usage_collector";
  calls = 0;
  private input = 0;
  private output = 0;

  override async handleLLMEnd(output: LLMResult): Promise<void> {
    this.calls++;
    for (const generation of output.generations.flat()) {
      const usage = (generation as { message?: { usage_metadata?: { input_tokens: number; output_tokens: number } } }).message
        ?.usage_metadata;
      if (usage) {
        this.input += usage.input_tokens;
        this.output += usage.output_tokens;
      }
    }
  }

  /** The total, or undefined when no call reported usage. */
  usage(): TokenUsage | undefined {
    if (this.input === 0 && this.output === 0) return undefined;
    return { inputTokens: this.input, outputTokens: this.output, totalTokens: this.input + this.output };
  }
}

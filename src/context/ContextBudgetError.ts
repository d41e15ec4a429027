import { MoAError } from "../errors/MoAError.js";
/** The sizes behind a {@link ContextBudgetError}, in tokens. */
export interface ContextBudgetSizes {
  windowTokens: number;
  /** Tokens kept free for the answer (the agent's `maxTokens`). */
  maxTokens: number;
  /** The smallest prompt the budget could build: system prompt, instructions, latest question, references at their minimum. */
  minimumPromptTokens: number;
  /** Of that, the latest user message alone. */
  questionTokens: number;
}

/**
 * Raised when an aggregating agent's prompt cannot fit its context window even with every
 * reference cut to its minimum and every older conversation turn left out: the user's latest
 * message and the instructions alone are too long. The message names the agent and the sizes.
 *
 * @example
 * try {
 *   await graph.invoke(input);
 * } catch (error) {
 *   if (error instanceof ContextBudgetError) console.error(error.agent, error.sizes.windowTokens);
 * }
 */
export class ContextBudgetError extends MoAError {
  readonly agent: string;
  readonly sizes: ContextBudgetSizes;

  constructor(agent: string, model: string, sizes: ContextBudgetSizes) {
    const room = sizes.windowTokens - sizes.maxTokens;
    super(
      `the prompt of "${agent}" (${model}) does not fit its context window: it needs at least ${sizes.minimumPromptTokens} tokens ` +
        `(the latest user message alone is ${sizes.questionTokens}), but a window of ${sizes.windowTokens} tokens minus maxTokens ` +
        `${sizes.maxTokens} leaves ${Math.max(0, room)}; shorten the question, or give "${agent}" a larger contextWindow or a smaller maxTokens`,
      { code: "context_budget_exceeded", category: "run" },
    );
    this.name = "ContextBudgetError";
    this.agent = agent;
    this.sizes = sizes;
  }
}

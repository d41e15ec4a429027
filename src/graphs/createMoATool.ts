import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import type { MoAStateValue } from "../state/moaState.js";
import { summarizeRun } from "../report/summarizeRun.js";

/** Anything that runs like a compiled MoA graph. */
export interface MoARunnable {
  invoke(input: { messages: BaseMessage[] }, config?: RunnableConfig): Promise<Pick<MoAStateValue, "messages" | "answers">>;
}

/** Options for {@link createMoATool}. */
export interface CreateMoAToolOptions {
  /** A compiled MoA graph (from `buildMoAGraph(...).compile()`). */
  graph: MoARunnable;
  name?: string;
  description?: string;
}

const DEFAULT_DESCRIPTION =
  "Ask a panel of language models a hard question. Several models answer independently and a final model " +
  "synthesizes the best answer. Use for questions that need careful reasoning or broad knowledge.";

/**
 * Wraps a compiled MoA graph as a LangChain tool, so any tool-calling agent can consult the panel.
 *
 * @example
 * const askPanel = createMoATool({ graph: buildMoAGraph({ config }).compile() });
 * const llm = new ChatOllama({ model: "llama3.1:8b" }).bindTools([askPanel]);
 * // ...then route the model's tool calls to `new ToolNode([askPanel])` (see the README).
 */
export function createMoATool({ graph, name = "ask_model_panel", description = DEFAULT_DESCRIPTION }: CreateMoAToolOptions) {
  return tool(
    async ({ question }, runtime) => {
      // Cancellation and tracing flow into the panel; the caller's thread does not, so a panel
      // compiled with its own checkpointer never writes into the calling agent's thread.
      const { signal, callbacks } = (runtime ?? {}) as RunnableConfig;
      const state = await graph.invoke(
        { messages: [new HumanMessage(question)] },
        { ...(signal ? { signal } : {}), ...(callbacks ? { callbacks } : {}) },
      );
      return summarizeRun(state).answer ?? "";
    },
    {
      name,
      description,
      schema: z.object({ question: z.string().trim().min(1).describe("The complete, self-contained question to answer") }),
    },
  );
}

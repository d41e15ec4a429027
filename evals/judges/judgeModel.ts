import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { JudgeCost } from "../types.js";

/** A judge: one chat model at temperature 0, whose spending is counted apart from the topology's. */
export interface JudgeModel {
  /** The model reference or name, shown in reports. */
  name: string;
  /** Asks once; `followUp` is sent as a second turn when `needsFollowUp` says the first reply is incomplete. */
  ask(options: {
    system: string;
    prompt: string;
    followUp?: string;
    needsFollowUp?: (reply: string) => boolean;
    signal?: AbortSignal;
  }): Promise<{ text: string; cost: JudgeCost }>;
}

/** Judge replies longer than this are cut: a runaway judge must not fill memory or the results file. */
const MAX_JUDGEMENT_CHARS = 20_000;

/**
 * Wraps a chat model as a judge that reports its calls and tokens per question.
 *
 * @example
 * const judge = judgeModel({ name: "ollama:qwen2.5:7b", model: new ChatOllama({ model: "qwen2.5:7b", temperature: 0 }) });
 * const { text, cost } = await judge.ask({ system: "...", prompt: "..." });
 */
export function judgeModel({ name, model }: { name: string; model: BaseChatModel }): JudgeModel {
  return {
    name,
    async ask({ system, prompt, followUp, needsFollowUp, signal }) {
      const cost: JudgeCost = { calls: 0, inputTokens: 0, outputTokens: 0 };
      const messages: BaseMessage[] = [new SystemMessage(system), new HumanMessage(prompt)];
      const call = async () => {
        const reply = await model.invoke(messages, signal ? { signal } : {});
        cost.calls++;
        cost.inputTokens += reply.usage_metadata?.input_tokens ?? 0;
        cost.outputTokens += reply.usage_metadata?.output_tokens ?? 0;
        return reply.text.slice(0, MAX_JUDGEMENT_CHARS);
      };
      let text = await call();
      if (followUp && needsFollowUp?.(text)) {
        messages.push(new AIMessage(text), new HumanMessage(followUp));
        text = `${text}\n\n${await call()}`;
      }
      return { text, cost };
    },
  };
}

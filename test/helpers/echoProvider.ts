import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ModelProvider, RefAgent } from "../../src/models/providers/ModelProvider.js";
import { parseNamedRef } from "../../src/models/providers/parseNamedRef.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

/** What the echo provider was asked to do, for assertions. */
export interface EchoLog {
  prepared: string[];
  probed: string[];
  /** Every prompt each model received, by model name. */
  prompts: Map<string, BaseMessage[][]>;
}

/** Words, as the echo provider's "tokenizer" counts them. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * A test-only backend: `echo:<name>` models answer with their name and `words` filler words,
 * `echo:down-*` models are unreachable in the pre-flight, every model has a context window of
 * `window` tokens counted as words, and 1B active parameters. No other module knows its name.
 */
export function createEchoProvider({ words = 40, window = 400 }: { words?: number; window?: number } = {}): {
  provider: ModelProvider;
  log: EchoLog;
} {
  const log: EchoLog = { prepared: [], probed: [], prompts: new Map() };
  const models = new WeakSet<BaseChatModel>();
  const provider: ModelProvider = {
    name: "echo",
    syntax: ["echo:<name>"],
    presets: "names",
    parseRef: (parts) => parseNamedRef(parts),
    ownsModel: (model) => models.has(model),
    createChatModel(agent: RefAgent) {
      const name = agent.model.model;
      const model = new ScriptedChatModel({
        label: `echo ${name}`,
        reply: (messages) => {
          log.prompts.set(name, [...(log.prompts.get(name) ?? []), messages]);
          return `${name}: ${"lorem ".repeat(words).trim()}`;
        },
      });
      models.add(model);
      return model;
    },
    async probe(agents) {
      log.probed.push(...agents.map((a) => a.id));
      const down = agents.filter((a) => a.model.model.startsWith("down"));
      return down.length > 0
        ? [{ target: "echo://local", reason: "the echo server is down for these models", fix: "use another echo model", agents: down }]
        : [];
    },
    async prepare(agents) {
      log.prepared.push(...agents.map((a) => a.id));
    },
    contextWindow: async () => window,
    tokenCounter: () => ({ kind: "model", count: async (text: string) => countWords(text) }),
    activeParams: async () => 1e9,
  };
  return { provider, log };
}

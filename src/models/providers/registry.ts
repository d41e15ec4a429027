import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ConfigError } from "../../errors/ConfigError.js";
import type { ModelRef } from "../ModelRef.js";
import { llamacppProvider } from "./llamacpp/llamacppProvider.js";
import type { ModelProvider } from "./ModelProvider.js";
import { ollamaProvider } from "./ollama/ollamaProvider.js";
import { openaiProvider } from "./openai/openaiProvider.js";

/**
 * The built-in providers. `--backend auto` tries those that can detect themselves in this order: a
 * running Ollama server first (its models are installed and it manages memory across processes),
 * else the in-process runtime, which needs nothing installed. OpenAI-compatible servers are never
 * chosen automatically.
 */
const BUILTIN_PROVIDERS: readonly ModelProvider[] = [ollamaProvider, openaiProvider, llamacppProvider];

const providers: ModelProvider[] = [...BUILTIN_PROVIDERS];

// Which provider owns a chat model instance, asked before every aggregating call: remembered per
// instance, and forgotten whenever the provider list changes.
let ownerCache = new WeakMap<BaseChatModel, ModelProvider | null>();

/**
 * Adds a model provider (a new backend): its references parse, its models are created, checked and
 * prepared, and presets can run on it, without any other module knowing its name. Returns a function
 * that removes it again.
 *
 * @example
 * const unregister = registerModelProvider(myProvider);
 * try { await runMyTopology(); } finally { unregister(); }
 */
export function registerModelProvider(provider: ModelProvider): () => void {
  const prefixes = [provider.name, ...(provider.aliases ?? [])].map((p) => p.toLowerCase());
  for (const prefix of prefixes) {
    if (!/^[a-z][a-z0-9_-]*$/.test(prefix)) {
      throw new ConfigError(
        [{ path: "name", message: `expected a reference prefix of lower-case letters, digits, "_" or "-", got "${prefix}"` }],
        "registerModelProvider",
      );
    }
    const taken = modelProvider(prefix);
    if (taken)
      throw new ConfigError(
        [{ path: "name", message: `the prefix "${prefix}:" already belongs to the provider "${taken.name}"` }],
        "registerModelProvider",
      );
  }
  providers.push(provider);
  ownerCache = new WeakMap();
  return () => {
    const index = providers.indexOf(provider);
    if (index >= 0) providers.splice(index, 1);
    ownerCache = new WeakMap();
  };
}

/** Every registered provider, built-ins first. */
export function modelProviders(): readonly ModelProvider[] {
  return providers;
}

/** The provider that owns a reference prefix (its name or an alias), if any. */
export function modelProvider(prefix: string): ModelProvider | undefined {
  const wanted = prefix.toLowerCase();
  return providers.find((p) => p.name === wanted || (p.aliases ?? []).includes(wanted));
}

/** The provider of a parsed reference; a reference whose provider was unregistered is a config error. */
export function providerOf(ref: ModelRef): ModelProvider {
  const provider = modelProvider(ref.provider);
  if (!provider)
    throw new ConfigError([
      { path: "model", message: `no model provider "${ref.provider}" is registered (known: ${providers.map((p) => p.name).join(", ")})` },
    ]);
  return provider;
}

/** The provider a chat model instance belongs to (a `ChatOllama` is Ollama's), if any claims it. */
export function providerOfModel(model: BaseChatModel): ModelProvider | undefined {
  let owner = ownerCache.get(model);
  if (owner === undefined) {
    owner = providers.find((p) => p.ownsModel?.(model) === true) ?? null;
    ownerCache.set(model, owner);
  }
  return owner ?? undefined;
}

/** The providers presets can run on (the `--backend` choices besides `auto`). */
export function presetBackends(): readonly ModelProvider[] {
  return providers.filter((p) => p.presets !== undefined);
}

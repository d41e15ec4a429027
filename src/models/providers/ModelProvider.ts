import type { Embeddings } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelAgent } from "../ModelAgent.js";
import type { ModelRef } from "../ModelRef.js";
import type { TransferProgress } from "../progress.js";
import type { TokenCounter } from "../tokenCounter.js";
import type { Environment } from "../../util/environment.js";

/** An agent whose model is a reference (not an instance given in code): what providers are handed. */
export type RefAgent = ModelAgent & { model: ModelRef };

/** The parts of a reference string a provider parses: `<prefix>:<rest>`. */
export interface RefParts {
  /** The prefix as written, lower-cased: the provider's name or one of its aliases. */
  prefix: string;
  /** Everything after the first colon. */
  rest: string;
  /** The whole reference, for messages. */
  text: string;
}

/** A problem the pre-flight found with some agents' backend. */
export interface ProbeFinding {
  /** The server URL or file the agents need. */
  target: string;
  reason: string;
  /** How the user can fix it. */
  fix: string;
  agents: ModelAgent[];
}

/** Options of {@link ModelProvider.probe}. */
export interface ProbeOptions {
  env: Environment;
  /** Per-request timeout of reachability probes. */
  timeoutMs: number;
}

/** Shows the progress of the transfers a provider makes while preparing models. */
export interface ProgressSink {
  update(progress: TransferProgress): void;
  done(): void;
}

/** What a provider may use while it gets models ready (see {@link ModelProvider.prepare}). */
export interface PrepareContext {
  /** Fetch missing models without asking: Ollama pulls, GGUF downloads (`moa run --pull` or `--yes`, `moa models pull`). */
  pull: boolean;
  /**
   * Asks the user a yes/no question; absent when nobody can answer (scripts, servers). Without it and
   * without `pull`, Ollama models are not pulled and GGUF downloads are refused (a script must opt in).
   */
  confirm?: (question: string) => Promise<boolean>;
  /** Tells the user one line (a note, what is about to be downloaded). */
  notify: (line: string) => void;
  /** A progress display for transfers with these labels. */
  progress: (labels: string[]) => ProgressSink;
  signal?: AbortSignal;
  /** An unreachable server is an error here (`moa models pull`) rather than left to the pre-flight. */
  strict: boolean;
  env: Environment;
}

/** Options of {@link ModelProvider.detect}. */
export interface DetectOptions {
  env: Environment;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Everything backend-specific about one kind of model server or runtime. The rest of the package
 * never names a provider: it parses references, creates chat models and embeddings, checks and
 * prepares backends, and sizes prompts through this interface. Register one with
 * `registerModelProvider` (the built-ins are Ollama, OpenAI-compatible servers and in-process
 * llama.cpp).
 *
 * Only `name`, `syntax`, `parseRef` and `createChatModel` are required; every other capability is
 * optional and has a neutral default (no probe, nothing to prepare, unknown context window, the
 * character-estimate token counter, unknown parameter count).
 *
 * @example
 * registerModelProvider({
 *   name: "echo",
 *   syntax: ["echo:<name>"],
 *   parseRef: ({ rest }) => ({ provider: "echo", model: rest }),
 *   createChatModel: (agent) => new FakeListChatModel({ responses: [agent.name] }),
 * });
 */
export interface ModelProvider {
  /** The reference prefix (`<name>:...`) and the name shown in messages and `--backend`. */
  readonly name: string;
  /** Further reference prefixes this provider owns (llama.cpp owns `hf:`). */
  readonly aliases?: readonly string[];
  /** The reference forms, for error messages, e.g. `["ollama:<name>[@<baseUrl>]"]`. */
  readonly syntax: readonly string[];
  /**
   * How a built-in preset runs on this provider, which makes it a `--backend` choice: `names` runs the
   * preset's model names (written for Ollama) under this provider's prefix; `files` runs the preset's
   * small GGUF models. Absent: presets cannot run here.
   */
  readonly presets?: "names" | "files";

  /** Parses `rest` into a reference; throws `ModelRefError` naming the problem. */
  parseRef(parts: RefParts): ModelRef;
  /** The reference as a string again (default `<provider>:<model>[@<baseUrl>]`). */
  formatRef?(ref: ModelRef): string;
  /** A short name for agents of this model, made node-id-safe by the caller (default: the model's last `/` segment). */
  shortName?(ref: ModelRef): string;
  /** Makes the reference's relative parts absolute against the folder of the config that named it. */
  resolveRef?(ref: ModelRef, baseDir: string): ModelRef;
  /** Whether a chat model instance given in code is this provider's (its window and tokenizer are then read from it). */
  ownsModel?(model: BaseChatModel): boolean;

  /** The LangChain chat model for an agent. The client must not retry by itself (the caller retries). */
  createChatModel(agent: RefAgent, env: Environment): BaseChatModel;
  /** LangChain embeddings for a reference, for embedding routers and gates. */
  createEmbeddings?(
    ref: ModelRef,
    options: {
      baseUrl?: string;
      apiKey?: string;
      apiKeyEnv?: string;
      dimensions?: number;
      timeoutMs: number;
      maxRetries: number;
      env: Environment;
    },
  ): Embeddings;

  /**
   * What the user should know about how this agent's requests travel before any is sent (an API key
   * sent over plain http:// to another machine), as one line; undefined when nothing.
   */
  warning?(agent: RefAgent, env: Environment): string | undefined;
  /** Agents with the same key share one probe (one server, one file). Default: one probe for all. */
  endpointKey?(agent: RefAgent, env: Environment): string;
  /** Pre-flight: what keeps these agents (all with one endpoint key) from running. */
  probe?(agents: RefAgent[], options: ProbeOptions): Promise<ProbeFinding[]>;
  /**
   * Validates the environment variables this provider reads, before any provider prepares anything
   * (so a typo never costs a download first); throws a `ConfigError` naming the variable.
   */
  checkEnv?(env: Environment): void;
  /** Gets the agents' models ready before the first call: pulls, downloads, memory and runtime checks. */
  prepare?(agents: RefAgent[], context: PrepareContext): Promise<void>;

  /**
   * The context window in tokens of the model that answers (`model` is the instance the agent calls,
   * which a custom model factory may have made): `undefined` when it cannot be known, and then the
   * prompt is sent without budgeting. Called only when the agent sets no `contextWindow`.
   */
  contextWindow?(agent: ModelAgent, model: BaseChatModel): Promise<number | undefined>;
  /** Counts tokens as `model` does; `undefined` for the character estimate. */
  tokenCounter?(agent: ModelAgent, model: BaseChatModel): TokenCounter | undefined;
  /** Parameters active per token of the agent's model, when the provider can tell (cost accounting). */
  activeParams?(agent: RefAgent): Promise<number | undefined>;

  /**
   * `--backend auto`: whether presets can run on this provider here and now, and why. `configured`
   * names the setting through which the user asked for this backend explicitly (`OLLAMA_HOST`), so
   * passing it over for another is a surprise the caller should confirm rather than do silently.
   */
  detect?(options: DetectOptions): Promise<{ available: boolean; reason: string; configured?: string }>;
  /** What keeps presets from running on this provider in this environment, as a usage message. */
  presetProblem?(env: Environment): string | undefined;
}

import type { ResolvedAgent } from "../config/ensureConfig.js";
import { ConfigError } from "../errors/ConfigError.js";

/** Default Ollama address when neither config nor environment names one. */
export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";
/** OpenAI's own API, used when an `openai:` model has no base URL. */
export const OPENAI_API_URL = "https://api.openai.com/v1";

/**
 * The Ollama base URL: explicit value, else `OLLAMA_HOST` (which Ollama itself accepts as
 * `host:port`, `:port` or a URL, and as the bind-all address), else LangChain's `OLLAMA_BASE_URL`,
 * else the default. An unusable value is a configuration error naming where it came from.
 *
 * @example
 * resolveOllamaUrl(undefined, { OLLAMA_HOST: "0.0.0.0:11434" }); // "http://127.0.0.1:11434"
 */
export function resolveOllamaUrl(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const source = explicit !== undefined ? "baseUrl" : env.OLLAMA_HOST ? "OLLAMA_HOST" : env.OLLAMA_BASE_URL ? "OLLAMA_BASE_URL" : undefined;
  const raw = explicit ?? (env.OLLAMA_HOST || undefined) ?? env.OLLAMA_BASE_URL;
  if (!source || !raw || raw.trim() === "") return DEFAULT_OLLAMA_URL;
  let value = raw.trim();
  if (value.startsWith(":")) value = `127.0.0.1${value}`;
  if (!/^https?:\/\//i.test(value)) value = `http://${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError([{ path: source, message: `"${raw}" is not a valid Ollama address; expected host:port or an http(s) URL` }]);
  }
  // A server bound to all interfaces is reached through loopback.
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  if (url.hostname === "[::]") url.hostname = "[::1]";
  if (!url.port && url.protocol === "http:" && source === "OLLAMA_HOST") url.port = "11434";
  return url.toString().replace(/\/$/, "");
}

/** Settings of an OpenAI-compatible endpoint after applying config and environment. */
export interface OpenAIEndpoint {
  baseUrl: string;
  /** Undefined when no key is configured for a server that needs one. */
  apiKey: string | undefined;
  /** Where the key came from, for error messages. */
  keySource: string;
}

/**
 * The OpenAI-compatible endpoint of an agent. Keys never travel to a server they were not meant for:
 * `OPENAI_API_KEY` is used only with OpenAI's API or the `OPENAI_BASE_URL` it is paired with; a
 * named `apiKeyEnv` is used alone; a custom server with no key configured gets a placeholder (local
 * servers such as vLLM or llama.cpp server accept any key, but the client refuses an empty one).
 *
 * @example
 * resolveOpenAIEndpoint({ baseUrl: "http://127.0.0.1:8000/v1" }, {}); // placeholder key, local server
 */
export function resolveOpenAIEndpoint(
  { baseUrl, apiKey, apiKeyEnv }: { baseUrl?: string; apiKey?: string; apiKeyEnv?: string },
  env: NodeJS.ProcessEnv = process.env,
): OpenAIEndpoint {
  const url = (baseUrl ?? env.OPENAI_BASE_URL ?? OPENAI_API_URL).replace(/\/$/, "");
  if (apiKey !== undefined) return { baseUrl: url, apiKey, keySource: "apiKey" };
  if (apiKeyEnv !== undefined) return { baseUrl: url, apiKey: env[apiKeyEnv] || undefined, keySource: apiKeyEnv };
  if (baseUrl === undefined) return { baseUrl: url, apiKey: env.OPENAI_API_KEY || undefined, keySource: "OPENAI_API_KEY" };
  return { baseUrl: url, apiKey: "not-needed", keySource: "placeholder (no key configured)" };
}

/** The endpoint an agent's `ollama:` or `openai:` model talks to (model reference first, then settings). */
export function agentEndpoint(agent: ResolvedAgent, env: NodeJS.ProcessEnv = process.env): { provider: "ollama"; url: string } | ({ provider: "openai" } & OpenAIEndpoint) | undefined {
  const { model, settings } = agent;
  if (!("provider" in model)) return undefined;
  if (model.provider === "ollama") return { provider: "ollama", url: resolveOllamaUrl(model.baseUrl ?? settings.baseUrl, env) };
  if (model.provider === "openai") {
    const baseUrl = model.baseUrl ?? settings.baseUrl;
    return {
      provider: "openai",
      ...resolveOpenAIEndpoint(
        { ...(baseUrl !== undefined ? { baseUrl } : {}), ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}), ...(settings.apiKeyEnv !== undefined ? { apiKeyEnv: settings.apiKeyEnv } : {}) },
        env,
      ),
    };
  }
  return undefined;
}

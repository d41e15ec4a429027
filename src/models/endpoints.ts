/** Default Ollama address when `OLLAMA_HOST` is unset. */
export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";

/**
 * The Ollama base URL: explicit value, else `OLLAMA_HOST` (which Ollama itself accepts as
 * `host:port`, `:port` or a URL, and as the bind-all address), else LangChain's `OLLAMA_BASE_URL`,
 * else the default.
 */
export function resolveOllamaUrl(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = explicit ?? (env.OLLAMA_HOST || undefined) ?? env.OLLAMA_BASE_URL;
  if (!raw || raw.trim() === "") return DEFAULT_OLLAMA_URL;
  let value = raw.trim();
  if (value.startsWith(":")) value = `127.0.0.1${value}`;
  if (!/^https?:\/\//i.test(value)) value = `http://${value}`;
  const url = new URL(value);
  // A server bound to all interfaces is reached through loopback.
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  if (url.hostname === "[::]") url.hostname = "[::1]";
  if (!url.port && url.protocol === "http:" && !explicit) url.port = "11434";
  return url.toString().replace(/\/$/, "");
}

/** Settings of an OpenAI-compatible endpoint after applying config and environment. */
export interface OpenAIEndpoint {
  baseUrl: string | undefined;
  apiKey: string | undefined;
}

/**
 * The OpenAI-compatible endpoint: config first, then `OPENAI_BASE_URL` / `OPENAI_API_KEY`.
 * Local servers (vLLM, llama.cpp server) accept any key, but the client refuses an empty one, so a
 * placeholder is used when a base URL is set and no key is.
 */
export function resolveOpenAIEndpoint(
  { baseUrl, apiKey, apiKeyEnv }: { baseUrl?: string; apiKey?: string; apiKeyEnv?: string },
  env: NodeJS.ProcessEnv = process.env,
): OpenAIEndpoint {
  const url = baseUrl ?? env.OPENAI_BASE_URL;
  const key = apiKey ?? (apiKeyEnv ? env[apiKeyEnv] : undefined) ?? env.OPENAI_API_KEY;
  return { baseUrl: url, apiKey: key ?? (url ? "not-needed" : undefined) };
}

import { ConfigError } from "../../../errors/ConfigError.js";
import type { Environment } from "../../../util/environment.js";

/** Default Ollama address when neither config nor environment names one. */
export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";

/**
 * The Ollama base URL: explicit value, else `OLLAMA_HOST` (which Ollama itself accepts as
 * `host:port`, `:port` or a URL, and as the bind-all address), else LangChain's `OLLAMA_BASE_URL`,
 * else the default. An unusable value is a configuration error naming where it came from.
 *
 * @example
 * resolveOllamaUrl(undefined, { OLLAMA_HOST: "0.0.0.0:11434" }); // "http://127.0.0.1:11434"
 */
export function resolveOllamaUrl(explicit?: string, env: Environment = process.env): string {
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

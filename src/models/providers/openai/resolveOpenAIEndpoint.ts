import { ConfigError } from "../../../errors/ConfigError.js";
import { apiKeyEnvProblem } from "../../apiKeyEnvProblem.js";
import type { Environment } from "../../../util/environment.js";

/** OpenAI's own API, used when an `openai:` model has no base URL. */
export const OPENAI_API_URL = "https://api.openai.com/v1";

/** Settings of an OpenAI-compatible endpoint after applying config and environment. */
export interface OpenAIEndpoint {
  baseUrl: string;
  /** Undefined when no key is configured for a server that needs one. */
  apiKey: string | undefined;
  /** Where the key came from, for error messages. */
  keySource: string;
}

/** Whether a base URL is OpenAI's own API, the one server that always needs a real key. */
export function isOpenAIApi(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.toLowerCase() === "api.openai.com";
  } catch {
    return false;
  }
}

/**
 * The OpenAI-compatible endpoint of an agent. Keys never travel to a server they were not meant for:
 * `OPENAI_API_KEY` is used only with OpenAI's API or the `OPENAI_BASE_URL` it is paired with; a
 * named `apiKeyEnv` is used alone. A server other than OpenAI's with no key configured (Ollama's
 * `/v1`, vLLM, LM Studio, llama.cpp's server) gets a placeholder: they accept any key, but the
 * client refuses an empty one.
 *
 * @example
 * resolveOpenAIEndpoint({ baseUrl: "http://127.0.0.1:8000/v1" }, {}); // placeholder key, local server
 */
export function resolveOpenAIEndpoint(
  { baseUrl, apiKey, apiKeyEnv }: { baseUrl?: string; apiKey?: string; apiKeyEnv?: string },
  env: Environment = process.env,
): OpenAIEndpoint {
  const url = (baseUrl ?? env.OPENAI_BASE_URL ?? OPENAI_API_URL).replace(/\/$/, "");
  if (apiKey !== undefined) return { baseUrl: url, apiKey, keySource: "apiKey" };
  if (apiKeyEnv !== undefined) {
    // Checked here too: settings given in code never went through the config schema.
    const problem = apiKeyEnvProblem(apiKeyEnv, env);
    if (problem) throw new ConfigError([{ path: "apiKeyEnv", message: problem }]);
    return { baseUrl: url, apiKey: env[apiKeyEnv] || undefined, keySource: apiKeyEnv };
  }
  const pairedKey = baseUrl === undefined ? env.OPENAI_API_KEY || undefined : undefined;
  if (pairedKey !== undefined) return { baseUrl: url, apiKey: pairedKey, keySource: "OPENAI_API_KEY" };
  if (isOpenAIApi(url)) return { baseUrl: url, apiKey: undefined, keySource: "OPENAI_API_KEY" };
  return { baseUrl: url, apiKey: "not-needed", keySource: "placeholder (no key configured)" };
}

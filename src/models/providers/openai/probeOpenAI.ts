import type { ProbeFinding, RefAgent } from "../ModelProvider.js";
import { describeProbeFailure, unreachableFix } from "../../describeError.js";
import type { OpenAIEndpoint } from "./resolveOpenAIEndpoint.js";
import { describeRedirect } from "../../refuseRedirects.js";

/**
 * Pre-flight of one OpenAI-compatible server: a key is there when the server needs one, it accepts
 * the key, and it answers `GET <baseUrl>/models` (a 404 there means the base URL is not an
 * OpenAI-compatible API, usually for want of its `/v1`).
 *
 * @example
 * const findings = await probeOpenAI(endpoint, agents, 3_000);
 */
export async function probeOpenAI(
  { baseUrl: url, apiKey, keySource }: OpenAIEndpoint,
  users: RefAgent[],
  timeoutMs: number,
): Promise<ProbeFinding[]> {
  const finding = (reason: string, fix: string): ProbeFinding[] => [{ target: url, reason, fix, agents: users }];
  if (!apiKey) {
    return finding(
      `no API key (${keySource} is not set)`,
      keySource === "OPENAI_API_KEY"
        ? "set OPENAI_API_KEY, or apiKey/apiKeyEnv in the config"
        : `set the environment variable ${keySource}`,
    );
  }
  let response: Response;
  try {
    // Never followed: a redirect would carry the prompt (and the key, to the same origin) somewhere the user never named.
    response = await fetch(`${url}/models`, {
      headers: { authorization: `Bearer ${apiKey}` },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
  } catch (error) {
    return finding(
      describeProbeFailure(error, timeoutMs),
      unreachableFix(error, "start the server or correct the base URL (openai:<model>@<baseUrl> or OPENAI_BASE_URL)"),
    );
  }
  const redirect = describeRedirect(response, new URL(`${url}/models`));
  if (redirect !== undefined)
    return finding(`${redirect}; redirects are not followed`, "set the base URL to the address of the model server itself");
  if (response.status === 401 || response.status === 403)
    return finding(`the API key was rejected (HTTP ${response.status})`, "check the API key for this server");
  if (response.status === 404 || response.status === 405) {
    return finding(
      `GET ${url}/models answered HTTP ${response.status}: no OpenAI-compatible API at this address`,
      /\/v1\/?$/.test(url)
        ? "correct the base URL: this server answers, but not as an OpenAI-compatible API (is it the right port?)"
        : "correct the base URL; it usually ends in /v1 (Ollama: http://127.0.0.1:11434/v1, vLLM: http://host:8000/v1)",
    );
  }
  if (!response.ok) return finding(`GET ${url}/models answered HTTP ${response.status}`, "check that the server is healthy");
  return [];
}

import { describeProbeFailure, unreachableFix } from "../../describeError.js";
import { describeRedirect } from "../../refuseRedirects.js";
import type { ModelAgent } from "../../ModelAgent.js";
import type { ProbeFinding, RefAgent } from "../ModelProvider.js";
import { canonicalName } from "./missingOllamaModels.js";
import { ollamaAddressFix } from "./ollamaAddressFix.js";

/**
 * Pre-flight of one Ollama server: it answers `GET /api/tags` like Ollama, and every agent's model is
 * pulled there. One finding per missing model, naming the pull that fixes it.
 *
 * @example
 * const findings = await probeOllama("http://127.0.0.1:11434", agents, 3_000);
 */
export async function probeOllama(
  url: string,
  users: RefAgent[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProbeFinding[]> {
  const address = ollamaAddressFix(users, env);
  const wholeServer = (reason: string, fix: string): ProbeFinding[] => [{ target: url, reason, fix, agents: users }];
  let available: string[];
  try {
    // Not followed: the chat calls will not follow a redirect either, so the probe must not pass on one.
    const response = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    const redirect = describeRedirect(response, new URL(`${url}/api/tags`));
    if (redirect !== undefined) {
      await response.body?.cancel().catch(() => undefined);
      return wholeServer(redirect, `${address.pointAt} the address of the Ollama server itself`);
    }
    if (!response.ok)
      return wholeServer(`answered HTTP ${response.status} to GET /api/tags`, `check that ${address.where} points at an Ollama server`);
    const body = (await response.json().catch(() => undefined)) as { models?: Array<{ name?: string; model?: string }> } | undefined;
    if (!body || !Array.isArray(body.models)) {
      return wholeServer(
        "answers, but not like Ollama (GET /api/tags returned no model list)",
        `check that ${address.where} points at an Ollama server`,
      );
    }
    available = body.models.flatMap((m) => [m.name, m.model]).filter((n): n is string => typeof n === "string");
  } catch (error) {
    return wholeServer(
      describeProbeFailure(error, timeoutMs),
      unreachableFix(error, `start Ollama (\`ollama serve\`) or ${address.pointAt} a running server`),
    );
  }
  // One spelling per model, as for pulls: "llama3.2" is "llama3.2:latest", and case does not matter.
  const have = new Set(available.map(canonicalName));
  const missing = new Map<string, ModelAgent[]>();
  for (const agent of users) {
    const name = agent.model.model;
    if (!have.has(canonicalName(name))) missing.set(name, [...(missing.get(name) ?? []), agent]);
  }
  return [...missing].map(([name, agents]) => ({
    target: url,
    reason: `model "${name}" is not pulled`,
    fix: `run again with --pull, or \`ollama pull ${name}\``,
    agents,
  }));
}

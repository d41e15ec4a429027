import { access, constants } from "node:fs/promises";
import type { ResolvedAgent, ResolvedTopology } from "../config/ensureConfig.js";
import { describeError } from "./describeError.js";
import { agentEndpoint, type OpenAIEndpoint } from "./endpoints.js";
import { canonicalName } from "./ollama/missingOllamaModels.js";
import { MoAError } from "../errors/MoAError.js";

/** A backend that an agent needs and cannot use. */
export interface BackendProblem {
  backend: "ollama" | "openai" | "llamacpp";
  /** Server URL or GGUF path. */
  target: string;
  reason: string;
  /** How the user can fix it. */
  fix: string;
  /** Node ids of the agents affected. */
  agents: string[];
}

/** Raised when the topology cannot run: its aggregator, or a whole layer, has no usable backend. */
export class BackendUnavailableError extends MoAError {
  readonly problems: BackendProblem[];

  constructor(problems: BackendProblem[]) {
    const lines = problems.map((p) => `  - ${p.backend} ${p.target}: ${p.reason} (needed by ${p.agents.join(", ")})\n    fix: ${p.fix}`);
    super(
      [
        "no usable model backend for this topology; tried:",
        ...lines,
        "other ways to run: an OpenAI-compatible server (openai:<model>@<baseUrl>, or OPENAI_BASE_URL),",
        "or local GGUF files in-process (llamacpp:<path.gguf>), or a preset's own small GGUF models in-process",
        "(`moa run ... --backend llamacpp`, downloaded on first use); see `moa run --help` and the README.",
      ].join("\n"),
      { code: "backend_unavailable", category: "environment" },
    );
    this.name = "BackendUnavailableError";
    this.problems = problems;
  }
}

/** Options for {@link checkBackends}. */
export interface CheckBackendsOptions {
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout of the reachability probes. */
  timeoutMs?: number;
}

type Finding = Omit<BackendProblem, "agents"> & { agents: ResolvedAgent[] };

/**
 * Probes every backend the topology uses before any model is called: Ollama (`/api/tags`, and that
 * each model is pulled), OpenAI-compatible servers (`/models`, and that the key is accepted) and GGUF
 * files (readable). Agents given as chat model instances are not probed.
 *
 * Returns the problems found and whether the topology can still answer: every requirement group
 * (for an MoA: each layer, and the aggregator) keeps at least one usable agent.
 *
 * @example
 * const { problems, runnable } = await checkBackends(topology);
 * if (!runnable) throw new BackendUnavailableError(problems);
 */
export async function checkBackends(
  target: ResolvedTopology | { requirements: ResolvedAgent[][]; optional?: ResolvedAgent[] },
  { env = process.env, timeoutMs = 3_000 }: CheckBackendsOptions = {},
): Promise<{ problems: BackendProblem[]; runnable: boolean }> {
  // Each group must keep at least one usable agent: an MoA's layers and its aggregator, a CoE's experts...
  const requirements = "requirements" in target ? target.requirements : [...target.layers, [target.aggregator]];
  const groups = new Map<string, { probe: (users: ResolvedAgent[]) => Promise<Finding[]>; users: ResolvedAgent[] }>();
  const optional = "requirements" in target ? (target.optional ?? []) : [];
  const everyAgent = [...new Map([...requirements.flat(), ...optional].map((agent) => [agent.id, agent])).values()];
  for (const agent of everyAgent) {
    const { model } = agent;
    if (!("provider" in model)) continue;
    const endpoint = agentEndpoint(agent, env);
    let key: string;
    let probe: (users: ResolvedAgent[]) => Promise<Finding[]>;
    if (endpoint?.provider === "ollama") {
      key = `ollama ${endpoint.url}`;
      probe = (users) => probeOllama(endpoint.url, users, timeoutMs);
    } else if (endpoint?.provider === "openai") {
      key = `openai ${endpoint.baseUrl} ${endpoint.keySource}`;
      probe = (users) => probeOpenAI(endpoint, users, timeoutMs);
    } else if (model.provider === "llamacpp") {
      key = `llamacpp ${model.path}`;
      probe = (users) => probeGguf(model.path, users);
    } else continue;
    const group = groups.get(key) ?? { probe, users: [] };
    group.users.push(agent);
    groups.set(key, group);
  }

  const findings = (await Promise.all([...groups.values()].map(({ probe, users }) => probe(users)))).flat();
  const unusable = new Set(findings.flatMap((f) => f.agents.map((a) => a.id)));
  const runnable = requirements.every((group) => group.some((agent) => !unusable.has(agent.id)));
  return { problems: findings.map((f) => ({ ...f, agents: f.agents.map((a) => a.id) })), runnable };
}

async function probeOllama(url: string, users: ResolvedAgent[], timeoutMs: number): Promise<Finding[]> {
  let available: string[];
  try {
    const response = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      return [{ backend: "ollama", target: url, reason: `answered HTTP ${response.status} to GET /api/tags`, fix: "check that OLLAMA_HOST points at an Ollama server", agents: users }];
    }
    const body = (await response.json().catch(() => undefined)) as { models?: Array<{ name?: string; model?: string }> } | undefined;
    if (!body || !Array.isArray(body.models)) {
      return [{ backend: "ollama", target: url, reason: "answers, but not like Ollama (GET /api/tags returned no model list)", fix: "check that OLLAMA_HOST points at an Ollama server", agents: users }];
    }
    available = body.models.flatMap((m) => [m.name, m.model]).filter((n): n is string => typeof n === "string");
  } catch (error) {
    return [{ backend: "ollama", target: url, reason: unreachable(error, timeoutMs), fix: "start Ollama (`ollama serve`) or set OLLAMA_HOST to a running server", agents: users }];
  }
  // One spelling per model, as for pulls: "llama3.2" is "llama3.2:latest", and case does not matter.
  const have = new Set(available.map(canonicalName));
  const missing = new Map<string, ResolvedAgent[]>();
  for (const agent of users) {
    const name = "provider" in agent.model && agent.model.provider === "ollama" ? agent.model.model : "";
    if (!have.has(canonicalName(name))) missing.set(name, [...(missing.get(name) ?? []), agent]);
  }
  return [...missing].map(([name, agents]) => ({
    backend: "ollama" as const,
    target: url,
    reason: `model "${name}" is not pulled`,
    fix: `run again with --pull, or \`ollama pull ${name}\``,
    agents,
  }));
}

async function probeOpenAI({ baseUrl: url, apiKey, keySource }: OpenAIEndpoint, users: ResolvedAgent[], timeoutMs: number): Promise<Finding[]> {
  if (!apiKey) {
    const fix = keySource === "OPENAI_API_KEY" ? "set OPENAI_API_KEY, or apiKey/apiKeyEnv in the config" : `set the environment variable ${keySource}`;
    return [{ backend: "openai", target: url, reason: `no API key (${keySource} is not set)`, fix, agents: users }];
  }
  try {
    const response = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 401 || response.status === 403) {
      return [{ backend: "openai", target: url, reason: `the API key was rejected (HTTP ${response.status})`, fix: "check the API key for this server", agents: users }];
    }
    return [];
  } catch (error) {
    return [{ backend: "openai", target: url, reason: unreachable(error, timeoutMs), fix: "start the server or correct the base URL (openai:<model>@<baseUrl> or OPENAI_BASE_URL)", agents: users }];
  }
}

async function probeGguf(path: string, users: ResolvedAgent[]): Promise<Finding[]> {
  try {
    await access(path, constants.R_OK);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "GGUF file not found" : `GGUF file not readable (${code ?? String(error)})`;
    return [{ backend: "llamacpp", target: path, reason, fix: "give the path of a local .gguf file (llamacpp:/path/to/model.gguf)", agents: users }];
  }
}

function unreachable(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  return describeError(error);
}

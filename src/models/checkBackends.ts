import { MoAError } from "../errors/MoAError.js";
import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import type { ProbeFinding, RefAgent } from "./providers/ModelProvider.js";
import { providerOf } from "./providers/registry.js";
import type { Environment } from "../util/environment.js";

/** A backend that an agent needs and cannot use. */
export interface BackendProblem {
  /** The provider's name (`ollama`, `openai`, `llamacpp`, ...). */
  backend: string;
  /** Server URL or file path. */
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

/** What the pre-flight checks: groups of agents of which one must be usable, and agents worth probing. */
export interface PreflightTarget {
  /** Each group must keep at least one usable agent: an MoA's layers and its aggregator, a CoE's experts... */
  requirements: readonly (readonly ModelAgent[])[];
  /** Agents the topology can answer without (an LLM router falls back), still worth probing. */
  optional?: readonly ModelAgent[];
}

/** Options for {@link checkBackends}. */
export interface CheckBackendsOptions {
  env?: Environment;
  /** Per-request timeout of the reachability probes. */
  timeoutMs?: number;
}

/**
 * Probes every backend the topology uses before any model is called, through each agent's provider
 * (Ollama: the server answers and the models are pulled; OpenAI-compatible: the server answers and
 * takes the key; llama.cpp: the GGUF file is readable). Agents that share a server or file share one
 * probe. Agents given as chat model instances are not probed.
 *
 * Returns the problems found and whether the topology can still answer: every requirement group
 * keeps at least one usable agent.
 *
 * @example
 * const { problems, runnable } = await checkBackends(loadConfig({ preset: "moa-lite" }));
 * if (!runnable) throw new BackendUnavailableError(problems);
 */
export async function checkBackends(
  { requirements, optional = [] }: PreflightTarget,
  { env = process.env, timeoutMs = 3_000 }: CheckBackendsOptions = {},
): Promise<{ problems: BackendProblem[]; runnable: boolean }> {
  const groups = new Map<string, { backend: string; probe: (agents: RefAgent[]) => Promise<ProbeFinding[]>; agents: RefAgent[] }>();
  const everyAgent = [...new Map([...requirements.flat(), ...optional].map((agent) => [agent.id, agent])).values()];
  for (const agent of everyAgent) {
    if (!isModelRef(agent.model)) continue;
    const refAgent = agent as RefAgent;
    const provider = providerOf(refAgent.model);
    const probe = provider.probe;
    if (!probe) continue;
    const key = `${provider.name} ${provider.endpointKey?.(refAgent, env) ?? ""}`;
    const group = groups.get(key) ?? {
      backend: provider.name,
      probe: (agents: RefAgent[]) => probe.call(provider, agents, { env, timeoutMs }),
      agents: [],
    };
    group.agents.push(refAgent);
    groups.set(key, group);
  }
  const findings = (
    await Promise.all(
      [...groups.values()].map(async ({ backend, probe, agents }) => (await probe(agents)).map((finding) => ({ backend, ...finding }))),
    )
  ).flat();
  const unusable = new Set(findings.flatMap((f) => f.agents.map((a) => a.id)));
  const runnable = requirements.every((group) => group.some((agent) => !unusable.has(agent.id)));
  return { problems: findings.map((f) => ({ ...f, agents: f.agents.map((a) => a.id) })), runnable };
}

import { MoAError } from "../errors/MoAError.js";
import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import type { ProbeFinding, RefAgent } from "./providers/ModelProvider.js";
import { formatModelRef } from "./parseModelRef.js";
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

/** Options of {@link BackendUnavailableError}. */
export interface BackendUnavailableOptions {
  /**
   * The backend the topology's presets run on (`--backend` chooses it); absent when the topology names
   * its own models (a config file without presets), where `--backend` changes nothing.
   */
  presetBackend?: string | undefined;
}

/** Raised when the topology cannot run: its aggregator, or a whole layer, has no usable backend. */
export class BackendUnavailableError extends MoAError {
  readonly problems: BackendProblem[];

  constructor(problems: BackendProblem[], { presetBackend }: BackendUnavailableOptions = {}) {
    const lines = problems.map((p) => `  - ${p.backend} ${p.target}: ${p.reason} (needed by ${p.agents.join(", ")})\n    fix: ${p.fix}`);
    super(["no usable model backend for this topology; tried:", ...lines, ...otherWaysToRun(presetBackend)].join("\n"), {
      code: "backend_unavailable",
      category: "environment",
      fix: [...new Set(problems.map((p) => p.fix))].join("; "),
    });
    this.name = "BackendUnavailableError";
    this.problems = problems;
  }
}

// Only what works for this topology: `--backend` is refused for a config file that names its own models.
function otherWaysToRun(presetBackend: string | undefined): string[] {
  if (presetBackend === undefined)
    return [
      "other ways to run: name other models in the topology file, on an OpenAI-compatible server",
      "(openai:<model>@<baseUrl>, or OPENAI_BASE_URL) or in-process GGUF files (llamacpp:<path.gguf>, or",
      "hf:<owner>/<repo>/<file.gguf>, downloaded on first use); see `moa run --help` and the README.",
    ];
  const inProcess =
    presetBackend === "llamacpp"
      ? []
      : ["or a preset's own small GGUF models in-process", "(`moa run ... --backend llamacpp`, downloaded on first use)"];
  return [
    "other ways to run: an OpenAI-compatible server (openai:<model>@<baseUrl>, or OPENAI_BASE_URL),",
    `or local GGUF files in-process (llamacpp:<path.gguf>)${inProcess.length > 0 ? `, ${inProcess[0]}` : ""}`,
    `${inProcess[1] !== undefined ? `${inProcess[1]}; ` : ""}see \`moa run --help\` and the README.`,
  ];
}

/**
 * Raised when every group still has a usable agent but some group has fewer than it needs (a layer
 * whose `minSuccessful` the usable agents cannot meet): the run would fail at that layer after paying
 * for the calls before it, so it stops before any.
 */
export class PreflightShortfallError extends MoAError {
  readonly shortfalls: RequirementShortfall[];

  constructor(shortfalls: RequirementShortfall[], problems: BackendProblem[]) {
    const lines = shortfalls.flatMap(({ label, needed, usable, unusable }) => {
      const total = usable.length + unusable.length;
      const head = `${label} needs ${needed} answers (minSuccessful ${needed}), but only ${usable.length} of its ${total} agents can run; left out:`;
      const why = problems.flatMap((p) => {
        const agents = p.agents.filter((id) => unusable.includes(id));
        return agents.length === 0 ? [] : [`  - ${agents.join(", ")}: ${p.backend} ${p.target}: ${p.reason}\n    fix: ${p.fix}`];
      });
      return [head, ...why];
    });
    super([...lines, "no model was called; fix the backends above, or lower minSuccessful"].join("\n"), {
      code: "too_few_usable_agents",
      category: "environment",
    });
    this.name = "PreflightShortfallError";
    this.shortfalls = shortfalls;
  }
}

/** What the pre-flight checks: groups of agents of which enough must be usable, and agents worth probing. */
export interface PreflightTarget {
  /** Each group must keep usable agents: an MoA's layers and its aggregator, a CoE's experts... */
  requirements: readonly (readonly ModelAgent[])[];
  /**
   * How many agents of each requirement group (same order) must be usable for the run to go on, e.g.
   * a layer's `minSuccessful`; 1 where absent.
   */
  minUsable?: readonly number[];
  /** Agents the topology can answer without (an LLM router falls back), still worth probing. */
  optional?: readonly ModelAgent[];
}

/** A requirement group left with fewer usable agents than it needs. */
export interface RequirementShortfall {
  /** The group in words: `layer 1`, `the aggregator`, `the experts`. */
  label: string;
  /** Usable agents it needs (a layer's `minSuccessful`). */
  needed: number;
  /** Node ids of its agents that remain usable. */
  usable: string[];
  /** Node ids of its agents the pre-flight found unusable. */
  unusable: string[];
}

/** What {@link checkBackends} found. */
export interface PreflightResult {
  problems: BackendProblem[];
  /** Whether every requirement group keeps as many usable agents as it needs. */
  runnable: boolean;
  /** The requirement groups that do not, in the topology's order. */
  shortfalls: RequirementShortfall[];
  /**
   * The problem that makes an agent unusable, if any. Agents are matched by provider, endpoint and
   * model reference, so an agent of a nested stage (whose node id differs in the graph) is found too.
   */
  problemOf(agent: ModelAgent): BackendProblem | undefined;
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
 * Returns the problems found, whether the topology can still answer (every requirement group keeps
 * as many usable agents as it needs), the groups that cannot, and which problem each unusable agent
 * has (so a run can leave those agents out instead of calling them).
 *
 * @example
 * const { problems, runnable } = await checkBackends(loadConfig({ preset: "moa-lite" }));
 * if (!runnable) throw new BackendUnavailableError(problems);
 */
export async function checkBackends(
  { requirements, minUsable = [], optional = [] }: PreflightTarget,
  { env = process.env, timeoutMs = 3_000 }: CheckBackendsOptions = {},
): Promise<PreflightResult> {
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
  const problems = findings.map((f) => ({ ...f, agents: f.agents.map((a) => a.id) }));
  const byModel = new Map<string, BackendProblem>();
  findings.forEach((finding, index) => {
    for (const agent of finding.agents) {
      const key = modelKey(agent, env);
      if (key !== undefined && !byModel.has(key)) byModel.set(key, problems[index]!);
    }
  });
  const unusable = new Set(findings.flatMap((f) => f.agents.map((a) => a.id)));
  const shortfalls = requirements.flatMap((group, index): RequirementShortfall[] => {
    const needed = Math.max(1, minUsable[index] ?? 1);
    const usable = group.filter((agent) => !unusable.has(agent.id)).map((agent) => agent.id);
    if (usable.length >= needed) return [];
    return [{ label: groupLabel(group), needed, usable, unusable: group.filter((agent) => unusable.has(agent.id)).map((a) => a.id) }];
  });
  return {
    problems,
    runnable: shortfalls.length === 0,
    shortfalls,
    problemOf: (agent) => {
      const key = modelKey(agent, env);
      return key === undefined ? undefined : byModel.get(key);
    },
  };
}

// What decides whether an agent is usable: its provider, its endpoint (server, key or file) and its model.
function modelKey(agent: ModelAgent, env: NodeJS.ProcessEnv): string | undefined {
  if (!isModelRef(agent.model)) return undefined;
  const provider = providerOf(agent.model);
  return `${provider.name} ${provider.endpointKey?.(agent as RefAgent, env) ?? ""} ${formatModelRef(agent.model)}`;
}

function groupLabel(group: readonly ModelAgent[]): string {
  const roles = new Set(group.map((agent) => (agent as { role?: string }).role));
  if (roles.size === 1 && roles.has("final")) return "the aggregator";
  if (roles.size === 1 && roles.has("expert")) return "the experts";
  const layers = new Set(group.map((agent) => (agent as { layer?: number }).layer));
  const [layer] = layers;
  return layers.size === 1 && layer !== undefined ? `layer ${layer}` : group.map((agent) => agent.id).join(", ");
}

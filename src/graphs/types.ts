import type { RunnableConfig } from "@langchain/core/runnables";
import type { z } from "zod";
import type { ModelFactory, ResolvedAgent } from "../config/ResolvedAgent.js";
import type { StageRunnable } from "../nodes/expert.js";
import type { TopologyGraph } from "./topologyGraph.js";

/** A step of a path into a config, as zod reports them: a key or a list index. */
export type PathSegment = string | number;

/** Common to every resolved topology: what the generic machinery (pre-flight, CLI, server) reads. */
export interface ResolvedTopologyBase {
  readonly kind: string;
  readonly name: string;
  /** Names where it came from in messages: a file path, `preset moa-lite`. */
  readonly source?: string | undefined;
  /** Groups of agents of which at least one must be usable for the topology to answer (pre-flight). */
  readonly requirements: readonly (readonly ResolvedAgent[])[];
  /** Usable agents each requirement group needs (same order), e.g. a layer's `minSuccessful`; 1 where absent. */
  readonly minUsable?: readonly number[];
  /** Agents the topology can answer without (an LLM router falls back), still worth probing. */
  readonly optional: readonly ResolvedAgent[];
}

/** Where a topology comes from, and how to run it: what `loadConfig` takes (and a CLI thread keeps). */
export interface TopologySource {
  /** A YAML or JSON topology file; its relative paths resolve against its folder. */
  file?: string;
  /** A built-in preset (see `moa presets`). */
  preset?: string;
  /** A config object (models as reference strings, or chat model instances in code), or one already resolved. */
  config?: object;
  /** A topology kind: alone, its default preset; with a file, preset or config, a check that it is of this kind. */
  topology?: string;
  /** Where presets' models run (top-level and stage presets): a provider name; default `ollama`. */
  backend?: string;
  /** Caps every agent's generated tokens (nested stages included). */
  maxTokens?: number;
  /** The folder an object config's relative paths resolve against; default the working directory. */
  baseDir?: string;
  /** Names an object config in error messages. */
  source?: string;
}

/** A topology source, and where each of its choices came from (named in errors). */
export interface EnsuredRunConfiguration {
  source: TopologySource & { topology: string; backend: string };
  /** `configurable.configFile`, `MOA_CONFIG`, `configurable.preset`, `MOA_PRESET` or `default`. */
  origin: string;
}

/** A nested topology named inside another (a stage expert): a preset, a file, or an inline config. */
export type NestedTopologySource = { preset: string; backend?: string | undefined } | { file: string } | Record<string, unknown>;

/** What a topology's resolver may use besides its validated config. */
export interface ResolveContext {
  /** Named in error messages: a file path, `preset moa-lite`. */
  readonly source: string | undefined;
  /** The folder relative paths of this config resolve against (the config file's). */
  readonly baseDir: string;
  /** Where this config sits in the user's file (a stage: `experts.math.stage`); error paths start with it. */
  readonly path: readonly PathSegment[];
  /** Resolves a nested topology (a stage expert) at `path` within this config, with the same backend and token cap. */
  resolveNested(source: NestedTopologySource, path: readonly PathSegment[]): ResolvedTopologyBase;
}

/** What a topology's builder may use besides the resolved topology. */
export interface BuildContext {
  modelFactory: ModelFactory;
  /** A new, empty graph over the shared state (nodes are added by the builder). */
  newGraph(): TopologyGraph;
  /** Compiles a nested topology (a stage expert) named `name`. */
  buildNested(topology: ResolvedTopologyBase, name: string): StageRunnable;
}

/** A built-in topology, documented with the models it uses. */
export interface Preset {
  name: string;
  /** The topology kind of its config. */
  kind: string;
  description: string;
  /**
   * The topology on model names, written with `ollama:` references; providers that serve models by
   * name (Ollama, OpenAI-compatible servers) run it under their own prefix.
   */
  config: Record<string, unknown>;
  /** The same topology on small GGUF files, for providers that run files (in-process llama.cpp). */
  gguf: Record<string, unknown>;
  /** What the GGUF variant runs, for `moa presets`. */
  ggufDescription: string;
}

/**
 * Everything about one kind of topology, registered once (see `registry.ts`): adding a topology is
 * one folder (`src/graphs/<kind>/`) and one registry line.
 *
 * @example
 * registerTopology({ kind: "chain", description, schema: ChainConfigSchema, resolve: resolveChain, build: buildChainGraph, presets: [], defaultPreset: undefined });
 */
export interface TopologyDefinition<Config = unknown, Resolved extends ResolvedTopologyBase = ResolvedTopologyBase> {
  /** The name used by `topology:` in configs, `--topology` and `langgraph.json`. */
  readonly kind: string;
  /** One line for `moa presets` and the JSON Schema. */
  readonly description: string;
  /** Validates a config of this kind; zod's paths become the error paths the user sees. */
  readonly schema: z.ZodType<Config>;
  /** Turns a validated config into the resolved topology; `ConfigError`s it raises name paths under `context.path`. */
  resolve(config: Config, context: ResolveContext): Resolved;
  /** Builds the graph (uncompiled) of a resolved topology of this kind. */
  build(topology: Resolved, context: BuildContext): TopologyGraph;
  /** Its built-in presets. */
  readonly presets: readonly Preset[];
  /** The preset run when only the kind is named (`moa run --topology <kind>`). */
  readonly defaultPreset?: string;
  /**
   * The run configuration of this kind's served graph, from a run's `configurable` and the environment
   * (default: `ensureRunConfiguration` with `MOA_<KIND>_CONFIG` / `MOA_<KIND>_PRESET`).
   */
  ensureConfiguration?(config?: RunnableConfig): EnsuredRunConfiguration;
}

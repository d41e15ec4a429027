import { existsSync } from "node:fs";
import path from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { resolveAgent } from "../../src/config/resolveAgent.js";
import { UsageError } from "../../src/errors/UsageError.js";
import { loadConfig, loadConfigTraced } from "../../src/graphs/loadConfig.js";
import { findPreset, topologyKinds } from "../../src/graphs/registry.js";
import type { TopologySource } from "../../src/graphs/types.js";
import { chooseBackend } from "../../src/models/chooseBackend.js";
import { createChatModel } from "../../src/models/createChatModel.js";
import { prepareModels } from "../../src/models/prepareModels.js";
import { prepareRun } from "../../src/cli/prepareRun.js";
import { shortModelRef } from "../../src/cli/shortModelRef.js";
import { terminalPrepareContext } from "../../src/cli/terminalPrepareContext.js";
import { redactCredentials } from "../../src/util/redactCredentials.js";
import { modelResponder, topologyResponder, type Responder } from "../generate/responder.js";

/** Options shared by everything `moa eval` sets up from the command line. */
export interface SetupOptions {
  /** `--backend` for presets (default `auto`). */
  backend?: string | undefined;
  /** Fetch missing models without asking. */
  pull: boolean;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal | undefined;
}

/** What a `--topology` or `--baseline` value names. */
export type SystemSpec = { kind: "topology"; source: TopologySource; label: string } | { kind: "model"; ref: string };

/**
 * Reads a `--topology`/`--baseline` value: an existing file is a topology config, a preset or topology
 * kind name is that preset, and `provider:model` is a single model.
 *
 * @example
 * parseSystemSpec({ value: "moa-lite", flag: "--topology" }); // { kind: "topology", source: { preset: "moa-lite" }, label: "moa-lite" }
 */
export function parseSystemSpec({ value, flag }: { value: string; flag: string }): SystemSpec {
  if (existsSync(value))
    return { kind: "topology", source: { file: path.resolve(value) }, label: path.basename(value).replace(/\.(ya?ml|json)$/i, "") };
  if (findPreset(value)) return { kind: "topology", source: { preset: value }, label: value };
  if (topologyKinds().includes(value)) return { kind: "topology", source: { topology: value }, label: value };
  if (/^[a-z][a-z0-9-]*:/i.test(value)) return { kind: "model", ref: value };
  throw new UsageError(`${flag}: "${value}" is not a topology file, a preset, a topology kind or a model reference`, {
    code: "unknown_system",
    fix: "give a YAML/JSON topology file, a preset from `moa presets`, or a model such as ollama:qwen2.5:7b",
  });
}

/**
 * A chat model from a reference, prepared like any agent (pulled or downloaded when allowed), with
 * the given settings (a judge runs at temperature 0).
 *
 * @example
 * const judge = await modelFromRef({ ref: "ollama:qwen2.5:7b", settings: { temperature: 0 }, pull: false, stderr: process.stderr });
 */
export async function modelFromRef({
  ref,
  role,
  settings,
  pull,
  stderr,
  signal,
}: SetupOptions & { ref: string; role: string; settings: { temperature?: number; maxTokens?: number } }): Promise<BaseChatModel> {
  const agent = resolveAgent(ref, {
    placement: { id: role, name: role, layer: 1, index: 0, role: "expert" },
    baseDir: process.cwd(),
    inherited: [settings],
  });
  await prepareModels({ agents: [agent], context: terminalPrepareContext({ pull, stderr, signal }) });
  return createChatModel(agent);
}

/**
 * The responder of a `--topology` or `--baseline` value: its models chosen (presets follow `--backend`),
 * prepared and probed before any item is generated.
 *
 * @example
 * const responder = await resolveResponder({ spec: parseSystemSpec({ value: "moa-lite", flag: "--topology" }), bench: "gsm8k", pull: false, stderr });
 */
export async function resolveResponder({
  spec,
  bench,
  maxTokens,
  backend,
  pull,
  stderr,
  signal,
}: SetupOptions & { spec: SystemSpec; bench: string; maxTokens?: number | undefined }): Promise<Responder> {
  if (spec.kind === "model") {
    const settings = maxTokens === undefined ? {} : { maxTokens };
    const model = await modelFromRef({
      ref: spec.ref,
      role: "baseline",
      settings,
      pull,
      stderr,
      ...(signal ? { signal } : {}),
    });
    const ref = redactCredentials(spec.ref);
    // A GGUF path can be long and says where the user keeps files: reports show the short form.
    return modelResponder({ name: shortModelRef({ ref }), ref, settings, model, bench });
  }
  const source: TopologySource = { ...spec.source, ...(maxTokens === undefined ? {} : { maxTokens }) };
  const { backendPresets } = loadConfigTraced({ ...source, backend: undefined });
  if (backendPresets.length > 0) {
    const chosen = await chooseBackend({ requested: backend ?? "auto" });
    source.backend = chosen.backend;
    stderr.write(`backend: ${chosen.backend} (${chosen.reason})\n`);
  } else if (backend !== undefined && backend !== "auto")
    throw new UsageError(`--backend chooses the models of a preset; ${spec.label} names its own models`, {
      code: "backend_without_preset",
    });
  const topology = loadConfig(source);
  const modelFactory = await prepareRun({ topology, pull, check: true, presetBackend: source.backend, stderr, signal });
  return topologyResponder({ topology, modelFactory, bench, maxTokens });
}

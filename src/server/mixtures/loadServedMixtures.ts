import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { ModelFactory } from "../../config/ResolvedAgent.js";
import { UsageError } from "../../errors/UsageError.js";
import { loadConfig } from "../../graphs/loadConfig.js";
import { findPreset } from "../../graphs/registry.js";
import type { TopologySource } from "../../graphs/types.js";
import { createChatModel } from "../../models/createChatModel.js";
import { describeMixture } from "./describeMixture.js";
import type { ServedMixture } from "./ServedMixture.js";

// Clients route model names like these to OpenAI's reasoning endpoints (or the Responses API) whatever
// the base URL, so a mixture with such a name would never reach the chat route.
const REASONING_MODEL_NAME = /^(gpt-5|o1|o3|o4)/i;
const CONFIG_FILE = /\.(ya?ml|json)$/i;

/** Options of {@link loadServedMixtures}. */
export interface LoadServedMixturesOptions {
  /** Presets (`moa-lite`), topology files, or folders of topology files (every .yaml/.yml/.json in them). */
  specs: readonly string[];
  /** Where presets' models run (a provider name). */
  backend?: string | undefined;
  /** Creates each mixture's chat models; default through each agent's provider. */
  modelFactoryFor?: ((topology: ServedMixture["topology"]) => ModelFactory) | undefined;
}

/**
 * Loads the topologies a server serves, each under a model id: a preset's name, or a file's name without
 * its extension. Every file is validated now, so a bad one stops the server at start with its field
 * errors rather than failing requests later; two mixtures with one id, and ids clients would send to
 * OpenAI's reasoning endpoints (`gpt-5*`, `o1`, `o3`, `o4*`), are refused with what to rename.
 *
 * @example
 * const mixtures = loadServedMixtures({ specs: ["moa-lite", "./topologies"] });
 * mixtures.map((m) => m.id); // ["moa-lite", "my-moa", ...]
 */
export function loadServedMixtures({
  specs,
  backend,
  modelFactoryFor = () => createChatModel,
}: LoadServedMixturesOptions): ServedMixture[] {
  if (specs.length === 0)
    throw new UsageError("name at least one topology to serve: a preset, a topology file or a folder of them", {
      code: "nothing_to_serve",
    });
  const sources: Array<{ id: string; source: TopologySource }> = [];
  for (const spec of specs) sources.push(...sourcesOf(spec, backend));
  const seen = new Map<string, string>();
  for (const { id, source } of sources) {
    const from = source.file ?? `preset ${source.preset}`;
    if (REASONING_MODEL_NAME.test(id))
      throw new UsageError(
        `the model id "${id}" (from ${from}) looks like an OpenAI reasoning model, and clients would send it elsewhere`,
        {
          code: "reserved_model_id",
          fix: "rename the file so its name does not start with gpt-5, o1, o3 or o4",
        },
      );
    const earlier = seen.get(id);
    if (earlier)
      throw new UsageError(`two topologies would be served as "${id}": ${earlier} and ${from}`, {
        code: "duplicate_model_id",
        fix: earlier === from ? "name it once" : "rename one of the files",
      });
    seen.set(id, from);
  }
  return sources.map(({ id, source }) => {
    const topology = loadConfig(source);
    return { id, source, topology, description: describeMixture(topology), modelFactory: modelFactoryFor(topology) };
  });
}

function sourcesOf(spec: string, backend: string | undefined): Array<{ id: string; source: TopologySource }> {
  const stats = statOf(spec);
  if (stats?.isDirectory()) {
    const files = readdirSync(spec)
      .filter((name) => CONFIG_FILE.test(name))
      .sort();
    if (files.length === 0)
      throw new UsageError(`the folder ${spec} holds no topology files (.yaml, .yml or .json)`, { code: "nothing_to_serve" });
    return files.map((name) => fileSource(path.join(spec, name), backend));
  }
  if (stats?.isFile()) return [fileSource(spec, backend)];
  if (findPreset(spec)) return [{ id: spec, source: { preset: spec, ...(backend ? { backend } : {}) } }];
  throw new UsageError(`"${spec}" is neither a preset nor an existing file or folder`, {
    code: "unknown_topology",
    fix: "see `moa presets` for the presets, or check the path",
  });
}

function fileSource(file: string, backend: string | undefined): { id: string; source: TopologySource } {
  const id = path.basename(file).replace(CONFIG_FILE, "");
  return { id, source: { file: path.resolve(file), ...(backend ? { backend } : {}) } };
}

function statOf(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

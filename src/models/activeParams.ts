import type { ResolvedAgent } from "../config/ensureConfig.js";
import { readGgufInfo } from "./llamacpp/ggufInfo.js";

const ggufParams = new Map<string, Promise<number | undefined>>();

/**
 * Parameters active per token for an agent's model: declared in the config (`activeParams`), else
 * read once from a local GGUF file's metadata, else unknown. Used for cost accounting, so a
 * composition of experts can be compared with one large model.
 *
 * @example
 * await activeParamsOf(agent); // 494032768 for a Qwen2.5-0.5B GGUF
 */
export async function activeParamsOf(agent: ResolvedAgent): Promise<number | undefined> {
  if (agent.settings.activeParams !== undefined) return agent.settings.activeParams;
  const { model } = agent;
  if (!("provider" in model) || model.provider !== "llamacpp") return undefined;
  let cached = ggufParams.get(model.path);
  if (!cached) {
    const path = model.path;
    cached = readGgufInfo(path).then(
      (info) => info.parameterCount,
      () => {
        // Not cached: an `hf:` model's file may simply not be downloaded yet.
        ggufParams.delete(path);
        return undefined;
      },
    );
    ggufParams.set(path, cached);
  }
  return cached;
}

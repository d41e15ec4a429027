import type { ModelFactory } from "../../config/ResolvedAgent.js";
import type { ResolvedTopology } from "../../graphs/resolvedTopology.js";
import type { TopologySource } from "../../graphs/types.js";
import type { MixtureDescription } from "./describeMixture.js";

/** A topology served under a model id: what every route (OpenAI, LangGraph API, page) reads. */
export interface ServedMixture {
  /** The model id clients name: a preset's name, or a config file's name without its extension. */
  id: string;
  /** Where it was loaded from, as `loadConfig` takes it (a request's `max_tokens` reloads it capped). */
  source: TopologySource;
  topology: ResolvedTopology;
  description: MixtureDescription;
  /** The chat models its agents call (after the start-up check left out unusable agents). */
  modelFactory: ModelFactory;
}

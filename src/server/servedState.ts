import type { BaseMessage } from "@langchain/core/messages";
import { MessagesZodMeta, StateGraph } from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";
import type { TopologyGraph } from "../graphs/topologyGraph.js";
import { RunConfigurationSchema } from "../graphs/runConfiguration.js";
import { upgradeAnswers } from "../state/upgradeAnswers.js";
import { AgentAnswerSchema, GateRecordSchema, RouteRecordSchema } from "../state/moaState.js";

// The LangGraph server reads a graph's configuration schema (Studio's form, GET /assistants/{id}/schemas)
// only from zod-object states, not from `StateSchema` ones. Served graphs therefore run over this
// zod-object twin of MoAState: the same channels, reducers and defaults, plus the run configuration
// as the graph's context schema. Messages are typed as a plain list for the JSON Schema (a custom
// zod type has none) and carry LangGraph's messages meta, so Studio shows a chat input.
const messages = (z.array(z.any()) as unknown as z.ZodType<BaseMessage[]>).register(registry, MessagesZodMeta as never);

// Records of threads saved by earlier versions come back with today's role names, as in MoAState.
function upgrade<T>(list: T[]): T[] {
  return list.every((item) => typeof item === "object" && item !== null && typeof (item as { role?: unknown }).role === "string")
    ? (upgradeAnswers(list as Array<T & { role: string }>) as T[])
    : list;
}

function appendList<T extends z.ZodType>(schema: T) {
  return z.array(schema).register(registry, {
    reducer: {
      fn: (current: z.infer<T>[], update: z.infer<T> | z.infer<T>[]) => upgrade(current.concat(update)),
      schema: z.union([z.array(schema), schema]),
    },
    default: () => [],
  } as never);
}

const ServedState = z.object({
  messages,
  answers: appendList(AgentAnswerSchema),
  routes: appendList(RouteRecordSchema),
  gates: appendList(GateRecordSchema),
});
const ServedInput = z.object({ messages });

/**
 * A new empty graph for a served topology: the shared state as a zod object, with the run
 * configuration as context schema. Node functions see exactly the values they see in
 * `newTopologyGraph()`'s graphs.
 *
 * @example
 * const graph = buildTopologyGraph({ topology, newGraph: newServedGraph }).compile({ name: "moa" });
 */
export function newServedGraph(): TopologyGraph {
  return new StateGraph(ServedState, {
    input: ServedInput,
    context: RunConfigurationSchema,
    nodes: [] as string[],
  }) as unknown as TopologyGraph;
}

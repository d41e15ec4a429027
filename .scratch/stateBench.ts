import { z } from "zod";
import { END, START, StateGraph, MessagesZodMeta } from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { MoAState, MoAInput, AgentAnswerSchema, RouteRecordSchema, GateRecordSchema, type AgentAnswer } from "../src/state/moaState.js";

const append = <T,>(a: T[], b: T | T[]) => a.concat(b);
const list = <T extends z.ZodTypeAny>(s: T) => z.array(s).register(registry, { reducer: { fn: append as never, schema: z.union([z.array(s), s]) }, default: () => [] } as never);
const ZState = z.object({
  messages: (z.array(z.any()) as unknown as z.ZodType<BaseMessage[]>).register(registry, MessagesZodMeta as never),
  answers: list(AgentAnswerSchema),
  routes: list(RouteRecordSchema),
  gates: list(GateRecordSchema),
});
const ZInput = z.object({ messages: (z.array(z.any()) as unknown as z.ZodType<BaseMessage[]>).register(registry, MessagesZodMeta as never) });

function rec(id: string, layer: number): AgentAnswer {
  return { turn: 1, layer, role: "proposer", agent: id, agentIndex: 0, nodeId: id, model: "m", content: "answer text ".repeat(20), latencyMs: 1, startedAt: new Date().toISOString(), usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } };
}
function build(state: any, input: any) {
  const g: any = new StateGraph(state, { input });
  const layers = [["a", "b", "c"], ["d", "e", "f"]];
  let prev: string[] = [];
  layers.forEach((layer, li) => {
    for (const n of layer) {
      g.addNode(n, async () => ({ answers: [rec(n, li + 1)] }));
      if (prev.length === 0) g.addEdge(START, n); else g.addEdge(prev, n);
    }
    prev = layer;
  });
  g.addNode("agg", async () => ({ answers: [rec("agg", 3)], messages: [new AIMessage("final")] }));
  g.addEdge(prev, "agg");
  g.addEdge("agg", END);
  return g.compile();
}
const graphs = { stateSchema: build(MoAState, MoAInput), zod: build(ZState, ZInput) };
const N = 300;
for (let round = 0; round < 3; round++) {
  for (const [name, graph] of Object.entries(graphs)) {
    for (let i = 0; i < 20; i++) await graph.invoke({ messages: [new HumanMessage("q")] });
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await graph.invoke({ messages: [new HumanMessage("q")] });
    const d = process.cpuUsage(t0);
    console.log(round, name, ((d.user + d.system) / 1000 / N).toFixed(3), "ms/query");
  }
}
const out = await graphs.zod.invoke({ messages: [new HumanMessage("q")] });
console.log(out.answers.length, out.messages.length, out.messages[1]?.constructor?.name);

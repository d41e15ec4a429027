import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { buildMoAGraph } from "../src/graphs/buildMoAGraph.js";
import { ScriptedChatModel } from "../test/helpers/ScriptedChatModel.js";

const LAYERS = 2;
const PROPOSERS = 3;
const question = { messages: [new HumanMessage("What is the capital of France?")] };

function ourGraph(latencyMs: number) {
  const model = () => new ScriptedChatModel({ reply: "Paris is the capital of France.", latencyMs });
  return buildMoAGraph({
    config: {
      layers: Array.from({ length: LAYERS }, () => ({ agents: Array.from({ length: PROPOSERS }, model) })),
      aggregator: model(),
    },
  }).compile();
}

/** The same shape written directly against LangGraph: no recording, prompts or events. */
function bareGraph(latencyMs: number) {
  const State = Annotation.Root({
    ...MessagesAnnotation.spec,
    answers: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const graph = new StateGraph(State, { nodes: [] as string[] });
  let previous: string[] = [];
  for (let layer = 1; layer <= LAYERS; layer++) {
    const ids = Array.from({ length: PROPOSERS }, (_, i) => `l${layer}_${i}`);
    for (const id of ids) {
      const model = new ScriptedChatModel({ reply: "Paris is the capital of France.", latencyMs });
      graph.addNode(id, async (state) => {
        const refs = state.answers.join("\n");
        const messages: BaseMessage[] = refs ? [new HumanMessage(refs), ...state.messages] : state.messages;
        const reply = await model.invoke(messages);
        return { answers: [reply.text] };
      });
      if (previous.length === 0) graph.addEdge(START, id);
      else graph.addEdge(previous, id);
    }
    previous = ids;
  }
  const aggregator = new ScriptedChatModel({ reply: "Paris.", latencyMs });
  graph.addNode("final", async (state) => ({ messages: [await aggregator.invoke([new HumanMessage(state.answers.join("\n")), ...state.messages])] }));
  graph.addEdge(previous, "final");
  graph.addEdge("final", END);
  return graph.compile();
}

async function timePerQuery(run: () => Promise<unknown>, queries: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < queries; i++) await run();
  return (performance.now() - started) / queries;
}

/** Results of the MoA graph benchmark. */
export interface MoAOverheadResult {
  latencyMs: number;
  criticalPathMs: number;
  wallMs: number;
  parallelEfficiency: number;
  oursMsPerQuery: number;
  bareMsPerQuery: number;
  overheadRatio: number;
}

export async function benchMoAOverhead({ latencyMs = 100, latencyQueries = 20, overheadQueries = 300 } = {}): Promise<MoAOverheadResult> {
  // (a) Parallel efficiency: with every call taking `latencyMs`, the critical path is one call per layer.
  const slow = ourGraph(latencyMs);
  await slow.invoke(question);
  const wallMs = await timePerQuery(() => slow.invoke(question), latencyQueries);
  const criticalPathMs = (LAYERS + 1) * latencyMs;

  // (b) Framework overhead with instant models, interleaving both graphs so machine noise hits both alike.
  const ours = ourGraph(0);
  const bare = bareGraph(0);
  for (let i = 0; i < 30; i++) {
    await ours.invoke(question);
    await bare.invoke(question);
  }
  let oursTotal = 0;
  let bareTotal = 0;
  const rounds = 10;
  for (let r = 0; r < rounds; r++) {
    oursTotal += await timePerQuery(() => ours.invoke(question), overheadQueries / rounds);
    bareTotal += await timePerQuery(() => bare.invoke(question), overheadQueries / rounds);
  }
  const oursMsPerQuery = oursTotal / rounds;
  const bareMsPerQuery = bareTotal / rounds;
  return {
    latencyMs,
    criticalPathMs,
    wallMs,
    parallelEfficiency: criticalPathMs / wallMs,
    oursMsPerQuery,
    bareMsPerQuery,
    overheadRatio: oursMsPerQuery / bareMsPerQuery,
  };
}

import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { DEFAULT_AGGREGATION_PROMPT, REFERENCES_HEADING } from "../src/prompts/aggregate.js";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { buildMoAGraph } from "../src/graphs/builders.js";
import { ScriptedChatModel } from "../src/testing/ScriptedChatModel.js";

const LAYERS = 2;
const PROPOSERS = 3;
const REPLY = "Paris is the capital of France.";
const question = { messages: [new HumanMessage("What is the capital of France?")] };

interface Shape {
  invoke: () => Promise<unknown>;
  /** Every model of the graph grouped by layer (the aggregator last), to measure the real critical path. */
  layers: ScriptedChatModel[][];
}

function ourGraph(latencyMs: number): Shape {
  const layers = Array.from({ length: LAYERS + 1 }, (_, i) =>
    Array.from({ length: i < LAYERS ? PROPOSERS : 1 }, () => new ScriptedChatModel({ reply: REPLY, latencyMs })),
  );
  const graph = buildMoAGraph({
    config: { layers: layers.slice(0, LAYERS).map((agents) => ({ agents })), aggregator: layers[LAYERS]![0]! },
  }).compile();
  return { invoke: () => graph.invoke(question), layers };
}

/**
 * The same shape written directly against LangGraph: no recording, timeouts, retries or events. It sends
 * the same prompts as ours (the aggregation instruction above numbered answers), so the model doubles
 * do the same work on both sides and the difference is graph overhead.
 */
function bareGraph(latencyMs: number): Shape {
  const State = Annotation.Root({
    ...MessagesAnnotation.spec,
    answers: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const graph = new StateGraph(State, { nodes: [] as string[] });
  const layers: ScriptedChatModel[][] = [];
  let previous: string[] = [];
  for (let layer = 1; layer <= LAYERS; layer++) {
    const models = Array.from({ length: PROPOSERS }, () => new ScriptedChatModel({ reply: REPLY, latencyMs }));
    const ids = models.map((model, i) => {
      const id = `l${layer}_${i}`;
      graph.addNode(id, async (state) => {
        const messages: BaseMessage[] = state.answers.length > 0 ? [aggregationMessage(state.answers), ...state.messages] : state.messages;
        return { answers: [(await model.invoke(messages)).text] };
      });
      if (previous.length === 0) graph.addEdge(START, id);
      else graph.addEdge(previous, id);
      return id;
    });
    layers.push(models);
    previous = ids;
  }
  const aggregator = new ScriptedChatModel({ reply: REPLY, latencyMs });
  layers.push([aggregator]);
  graph.addNode("final", async (state) => ({
    messages: [await aggregator.invoke([aggregationMessage(state.answers.slice(-PROPOSERS)), ...state.messages])],
  }));
  graph.addEdge(previous, "final");
  graph.addEdge("final", END);
  const compiled = graph.compile();
  return { invoke: () => compiled.invoke(question), layers };
}

function aggregationMessage(answers: string[]): SystemMessage {
  const numbered = answers.map((text, i) => `<response id="${i + 1}">\n${text}\n</response>`).join("\n\n");
  return new SystemMessage(`${DEFAULT_AGGREGATION_PROMPT}\n\n${REFERENCES_HEADING}\n\n${numbered}`);
}

/** Wall time of one query and the critical path of its model calls (slowest call of each layer, summed). */
async function timeOne(shape: Shape): Promise<{ wallMs: number; criticalMs: number }> {
  for (const layer of shape.layers) for (const model of layer) model.calls.length = 0;
  const started = performance.now();
  await shape.invoke();
  const wallMs = performance.now() - started;
  const criticalMs = shape.layers.reduce(
    (sum, layer) => sum + Math.max(...layer.map((m) => m.calls[0]!.endedAt! - m.calls[0]!.startedAt)),
    0,
  );
  return { wallMs, criticalMs };
}

async function cpuMsPerQuery(shape: Shape, queries: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < queries; i++) {
    await shape.invoke();
    // The doubles' own call log is not part of either graph: it must not grow the heap round after round.
    for (const layer of shape.layers) for (const model of layer) model.calls.length = 0;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / queries;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Results of the MoA graph benchmark. */
export interface MoAOverheadResult {
  latencyMs: number;
  /** Configured latency times the number of layers (proposer layers + aggregator). */
  nominalCriticalPathMs: number;
  /** Critical path of the model calls as measured (timer lateness and event-loop waits included). */
  measuredCriticalPathMs: number;
  wallMs: number;
  bareWallMs: number;
  /** nominal critical path / wall: 1.0 means the graph adds nothing to the calls themselves. */
  parallelEfficiency: number;
  /** The same for the bare LangGraph graph, to separate LangGraph's own cost from ours. */
  bareParallelEfficiency: number;
  oursCpuMsPerQuery: number;
  bareCpuMsPerQuery: number;
  /** Median over interleaved rounds of ours / bare CPU time per query. */
  overheadRatio: number;
}

/**
 * (a) With every model call taking `latencyMs`, how close the wall time comes to the critical path.
 * (b) With instant models, the CPU time per query of our graph against a bare LangGraph graph of the
 * same shape. CPU time rather than wall time, because this machine is shared; rounds are short
 * (10 queries) and interleaved, so that load changes hit both graphs of a pair alike, and the ratio is
 * the median over the pairs.
 */
export async function benchMoAOverhead({
  latencyMs = 100,
  latencyQueries = 40,
  rounds = 101,
  queriesPerRound = 10,
} = {}): Promise<MoAOverheadResult> {
  // Both graphs are warmed up first and then sampled in turn, so JIT warm-up and load changes favour
  // neither (measured one after the other, the second one ran on a warmer process).
  const slowOurs = ourGraph(latencyMs);
  const slowBare = bareGraph(latencyMs);
  for (let i = 0; i < 3; i++) {
    await timeOne(slowOurs);
    await timeOne(slowBare);
  }
  const oursSamples: Array<{ wallMs: number; criticalMs: number }> = [];
  const bareSamples: Array<{ wallMs: number; criticalMs: number }> = [];
  for (let i = 0; i < latencyQueries; i++) {
    oursSamples.push(await timeOne(slowOurs));
    bareSamples.push(await timeOne(slowBare));
  }
  const summary = (samples: Array<{ wallMs: number; criticalMs: number }>) => ({
    wallMs: mean(samples.map((s) => s.wallMs)),
    criticalPathMs: mean(samples.map((s) => s.criticalMs)),
  });
  const nominalCriticalPathMs = (LAYERS + 1) * latencyMs;
  const ours = summary(oursSamples);
  const bare = summary(bareSamples);

  const fastOurs = ourGraph(0);
  const fastBare = bareGraph(0);
  await cpuMsPerQuery(fastOurs, 100);
  await cpuMsPerQuery(fastBare, 100);
  const oursCpu: number[] = [];
  const bareCpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Which graph goes first alternates, so a slow spell of the machine does not always hit the same one.
    if (r % 2 === 0) {
      oursCpu.push(await cpuMsPerQuery(fastOurs, queriesPerRound));
      bareCpu.push(await cpuMsPerQuery(fastBare, queriesPerRound));
    } else {
      bareCpu.push(await cpuMsPerQuery(fastBare, queriesPerRound));
      oursCpu.push(await cpuMsPerQuery(fastOurs, queriesPerRound));
    }
  }
  return {
    latencyMs,
    nominalCriticalPathMs,
    measuredCriticalPathMs: ours.criticalPathMs,
    wallMs: ours.wallMs,
    bareWallMs: bare.wallMs,
    parallelEfficiency: nominalCriticalPathMs / ours.wallMs,
    bareParallelEfficiency: nominalCriticalPathMs / bare.wallMs,
    oursCpuMsPerQuery: median(oursCpu),
    bareCpuMsPerQuery: median(bareCpu),
    overheadRatio: median(oursCpu.map((o, i) => o / bareCpu[i]!)),
  };
}

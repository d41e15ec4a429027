import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { MoAState, type MoAStateValue } from "../state/moaState.js";

/**
 * A thread's latest state as every topology shares it (the conversation, each agent's records, routes and
 * gates), read without knowing which topology wrote it. The lists live in delta channels, which only a graph
 * can rebuild from the checkpoints, so this compiles an empty graph over the shared state to read them.
 * Undefined when the thread has no checkpoint.
 *
 * @example
 * const values = await readThreadValues({ checkpointer: store.checkpointer, threadId: "3f2a..." });
 */
export async function readThreadValues({
  checkpointer,
  threadId,
}: {
  checkpointer: BaseCheckpointSaver;
  threadId: string;
}): Promise<MoAStateValue | undefined> {
  const reader = new StateGraph(MoAState)
    .addNode("read", () => ({}))
    .addEdge(START, "read")
    .addEdge("read", END)
    .compile({ checkpointer });
  const snapshot = await reader.getState({ configurable: { thread_id: threadId } });
  if (snapshot.createdAt === undefined) return undefined;
  const values = snapshot.values as Partial<MoAStateValue>;
  return { messages: values.messages ?? [], answers: values.answers ?? [], routes: values.routes ?? [], gates: values.gates ?? [] };
}

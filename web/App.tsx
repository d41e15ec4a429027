import type { Thread } from "@langchain/langgraph-sdk";
import { useStream } from "@langchain/langgraph-sdk/react";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { AgentCards } from "./AgentCards";
import { listModels, newClient, onUnauthorized, storedKey, storeKey } from "./api";
import { Diagram } from "./Diagram";
import { applyEvent, cardKey, cardOf, formatMs, formatParams, summarize, textOf, type AgentCard } from "./runView";
import { ThreadList } from "./ThreadList";
import type { ListedModel, MoAStreamEvent, ThreadValues } from "./types";

const REPLY_TAG = "moa:reply";

interface StreamMetadata {
  moa_agent?: string;
  moa_layer?: number;
  tags?: string[];
}

/** The page: pick a mixture, talk to it, and watch every agent of the turn answer. */
export function App() {
  const client = useMemo(newClient, []);
  const [models, setModels] = useState<ListedModel[]>([]);
  const [mixtureId, setMixtureId] = useState("");
  const [threadId, setThreadId] = useState<string | null>(null);
  const [threads, setThreads] = useState<Thread[]>([]);
  const [needKey, setNeedKey] = useState(false);
  const [problem, setProblem] = useState<string>();
  // Cards of the turn run from this page; a loaded thread shows its latest turn's records instead.
  const [liveCards, setLiveCards] = useState<Map<string, AgentCard> | null>(null);
  const [wallMs, setWallMs] = useState<number>();
  const startedAt = useRef(0);
  const [input, setInput] = useState("");

  useEffect(() => onUnauthorized(() => setNeedKey(true)), []);

  const loadModels = useCallback(() => {
    listModels()
      .then((listed) => {
        setModels(listed);
        setProblem(undefined);
        setMixtureId((current) => current || listed[0]?.id || "");
      })
      .catch((error: unknown) => setProblem(String(error)));
  }, []);
  const refreshThreads = useCallback(() => {
    client.threads
      .search({ limit: 30, sortBy: "updated_at", sortOrder: "desc" })
      .then(setThreads)
      .catch(() => undefined);
  }, [client]);
  useEffect(() => {
    loadModels();
    refreshThreads();
  }, [loadModels, refreshThreads]);

  const stream = useStream<ThreadValues>({
    client,
    assistantId: mixtureId || "moa",
    threadId,
    onThreadId: setThreadId,
    fetchStateHistory: false,
    onCustomEvent: (data) => setLiveCards((cards) => applyEvent(cards ?? new Map(), data as MoAStreamEvent)),
    onError: (error) => setProblem(error instanceof Error ? error.message : String(error)),
    onFinish: () => {
      setWallMs(performance.now() - startedAt.current);
      refreshThreads();
    },
  });

  // Tokens of every model call arrive merged in `messages`; each call's metadata names its agent.
  const messages = stream.messages;
  const metadataOf = useCallback(
    (index: number): StreamMetadata | undefined => {
      const message = messages[index];
      return message ? (stream.getMessagesMetadata(message, index)?.streamMetadata as StreamMetadata | undefined) : undefined;
    },
    [messages, stream],
  );
  useEffect(() => {
    setLiveCards((cards) => {
      if (!cards) return cards;
      let next = cards;
      messages.forEach((message, index) => {
        const meta = metadataOf(index);
        if (message.type !== "ai" || !meta?.moa_agent || meta.moa_layer === undefined) return;
        const key = cardKey(meta.moa_layer, meta.moa_agent);
        const card = next.get(key);
        const text = textOf(message.content);
        if (!card || card.status !== "running" || card.text === text) return;
        if (next === cards) next = new Map(cards);
        next.set(key, { ...card, text });
      });
      return next;
    });
  }, [messages, metadataOf]);

  const mixture = models.find((model) => model.id === mixtureId)?.moa;
  const values = stream.values;
  const latestTurn = Math.max(0, ...(values.answers ?? []).map((answer) => answer.turn));
  const cards = liveCards
    ? [...liveCards.values()]
    : (values.answers ?? []).filter((answer) => answer.turn === latestTurn && !answer.composite).map(cardOf);
  // Cards in the order the topology declares its agents (events come in the order calls start).
  const declared = (mixture?.layers ?? []).flatMap((layer) => layer.agents.map((agent) => `${layer.layer}/${agent.name}`));
  const rank = (card: AgentCard) => declared.indexOf(`${card.layer}/${card.agent}`) >>> 0;
  cards.sort((a, b) => a.layer - b.layer || rank(a) - rank(b));
  const route = values.routes?.filter((record) => record.turn === latestTurn).at(-1);
  const gate = values.gates?.filter((record) => record.turn === latestTurn).at(-1);

  // The conversation, without the agents' intermediate answers; its last reply goes below the cards.
  const conversation = messages.filter((message, index) => {
    const meta = metadataOf(index);
    return !meta?.moa_agent || meta.tags?.includes(REPLY_TAG);
  });
  const last = conversation.at(-1);
  const reply = last?.type === "ai" && (stream.isLoading || cards.length > 0) ? last : undefined;
  const earlier = reply ? conversation.slice(0, -1) : conversation;
  const summary = !stream.isLoading && cards.length > 0 ? summarize(cards) : undefined;

  const send = (event: FormEvent) => {
    event.preventDefault();
    const text = input.trim();
    if (!text || !mixtureId || stream.isLoading) return;
    setProblem(undefined);
    setLiveCards(new Map());
    setWallMs(undefined);
    startedAt.current = performance.now();
    setInput("");
    void stream.submit(
      { messages: [{ type: "human", content: text }] },
      {
        streamMode: ["custom", "messages-tuple", "values"],
        streamSubgraphs: true,
        ...(threadId ? {} : { metadata: { title: text.slice(0, 80) } }),
        optimisticValues: (previous) => ({
          ...previous,
          messages: [...(previous.messages ?? []), { type: "human", content: text, id: `pending-${Date.now()}` }],
        }),
      },
    );
  };

  const pickThread = (thread: Thread) => {
    const graph = thread.metadata?.graph_id;
    if (typeof graph === "string" && models.some((model) => model.id === graph)) setMixtureId(graph);
    setLiveCards(null);
    setWallMs(undefined);
    setThreadId(thread.thread_id);
  };
  const newThread = () => {
    setLiveCards(null);
    setWallMs(undefined);
    setThreadId(null);
  };

  return (
    <div className="page">
      <header className="top">
        <h1>langgraph-moa</h1>
        <label>
          Mixture{" "}
          <select
            value={mixtureId}
            onChange={(event) => {
              setMixtureId(event.target.value);
              newThread();
            }}
            aria-label="mixture"
          >
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.id}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="key-button" onClick={() => setNeedKey(true)}>
          API key
        </button>
      </header>
      {needKey ? (
        <KeyForm
          onSave={(key) => {
            storeKey(key);
            setNeedKey(false);
            loadModels();
            refreshThreads();
          }}
        />
      ) : null}
      {problem ? (
        <p className="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="columns">
        <ThreadList threads={threads} current={threadId} onPick={pickThread} onNew={newThread} />
        <main>
          {mixture ? <Diagram mixture={mixture} /> : null}
          <section className="conversation" aria-label="conversation">
            {earlier.map((message, index) => (
              <p className={`message message-${message.type}`} key={message.id ?? index}>
                {textOf(message.content)}
              </p>
            ))}
          </section>
          {route ? (
            <p className="route">
              router: {route.usedFallback ? "fallback" : (route.category ?? "?")} ({Math.round(route.confidence * 100)}%) →{" "}
              {route.experts.join(", ")}
            </p>
          ) : null}
          {cards.length > 0 ? <AgentCards cards={cards} /> : null}
          {gate ? (
            <p className="gate">
              gate: {gate.skipped ? `skipped the aggregator, ${gate.representative ?? ""}` : "aggregated"} (agreement{" "}
              {Math.round(gate.confidence * 100)}%, threshold {gate.threshold})
            </p>
          ) : null}
          {reply ? (
            <section className="reply" aria-label="reply">
              <h3>Reply</h3>
              <p>{textOf(reply.content)}</p>
            </section>
          ) : null}
          {summary ? (
            <section className="summary" aria-label="run summary">
              <h3>Run summary</h3>
              <dl>
                <dt>wall time</dt>
                <dd>{wallMs !== undefined ? formatMs(wallMs) : `≥ ${formatMs(summary.slowestMs)}`}</dd>
                <dt>calls</dt>
                <dd>
                  {summary.calls}
                  {summary.failed ? ` (${summary.failed} failed or late)` : ""}
                </dd>
                <dt>tokens</dt>
                <dd>
                  {summary.inputTokens} in · {summary.outputTokens} out
                </dd>
                <dt>active parameters</dt>
                <dd>{summary.activeParams ? formatParams(summary.activeParams) : "unknown"}</dd>
              </dl>
            </section>
          ) : null}
          <form className="ask" onSubmit={send}>
            <textarea
              value={input}
              onChange={(event) => setInput(event.target.value)}
              placeholder="Ask the mixture…"
              aria-label="message"
              rows={2}
              onKeyDown={(event) => {
                if (event.key === "Enter" && !event.shiftKey) send(event);
              }}
            />
            {stream.isLoading ? (
              <button type="button" onClick={() => void stream.stop()}>
                Stop
              </button>
            ) : (
              <button type="submit" disabled={!mixtureId}>
                Send
              </button>
            )}
          </form>
        </main>
      </div>
    </div>
  );
}

function KeyForm({ onSave }: { onSave: (key: string) => void }) {
  const [key, setKey] = useState(storedKey() ?? "");
  return (
    <form
      className="key-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(key.trim());
      }}
    >
      <label>
        This server needs an API key{" "}
        <input type="password" value={key} onChange={(event) => setKey(event.target.value)} aria-label="API key" autoComplete="off" />
      </label>
      <button type="submit">Save</button>
    </form>
  );
}

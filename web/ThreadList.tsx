import type { Thread } from "@langchain/langgraph-sdk";

/** Earlier conversations to continue, newest first. */
export function ThreadList({
  threads,
  current,
  onPick,
  onNew,
}: {
  threads: Thread[];
  current: string | null;
  onPick: (thread: Thread) => void;
  onNew: () => void;
}) {
  return (
    <nav className="threads" aria-label="threads">
      <button type="button" className="new-thread" onClick={onNew}>
        New thread
      </button>
      <ul>
        {threads.map((thread) => {
          const title =
            typeof thread.metadata?.title === "string" && thread.metadata.title ? thread.metadata.title : thread.thread_id.slice(0, 8);
          const graph = typeof thread.metadata?.graph_id === "string" ? thread.metadata.graph_id : "";
          return (
            <li key={thread.thread_id}>
              <button type="button" aria-current={thread.thread_id === current} onClick={() => onPick(thread)}>
                <span className="thread-title">{title}</span>
                <span className="thread-meta">
                  {graph} {new Date(thread.updated_at).toLocaleString()}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

import { formatMs, formatParams, type AgentCard } from "./runView";

/** The turn's agents, a column per layer, each card with its streamed text and its outcome. */
export function AgentCards({ cards }: { cards: AgentCard[] }) {
  const layers = [...new Set(cards.map((card) => card.layer))].sort((a, b) => a - b);
  return (
    <div className="layers">
      {layers.map((layer) => (
        <section className="layer" key={layer} aria-label={`layer ${layer}`}>
          <h3>layer {layer}</h3>
          {cards
            .filter((card) => card.layer === layer)
            .map((card) => (
              <article className={`card status-${card.status}`} key={card.key} data-agent={card.agent} data-status={card.status}>
                <header>
                  <strong>{card.stage ? `${card.stage} · ${card.agent}` : card.agent}</strong>
                  <span className="status">{card.status}</span>
                </header>
                <div className="card-meta">
                  {card.model} · {card.role}
                  {card.latencyMs !== undefined ? ` · ${formatMs(card.latencyMs)}` : ""}
                  {card.usage ? ` · ${card.usage.outputTokens} tokens` : ""}
                  {card.activeParams ? ` · ${formatParams(card.activeParams)} active` : ""}
                </div>
                {/* Model output is untrusted: React renders it as text. */}
                <p className="card-text">{card.text}</p>
                {card.error ? <p className="card-error">{card.error}</p> : null}
              </article>
            ))}
        </section>
      ))}
    </div>
  );
}

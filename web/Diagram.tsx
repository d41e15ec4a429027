import type { MixtureDescription } from "./types";

/** The chosen topology: one column per layer, a box per agent, the router and the gate marked. */
export function Diagram({ mixture }: { mixture: MixtureDescription }) {
  const lastLayer = mixture.layers.at(-1)?.layer;
  return (
    <figure className="diagram" aria-label={`topology ${mixture.name}`}>
      <figcaption>
        {mixture.kind} · {mixture.name} · {mixture.agents} agents
      </figcaption>
      <div className="diagram-layers">
        {mixture.layers.map(({ layer, agents }) => (
          <div className="diagram-layer" key={layer}>
            {mixture.gate && layer === lastLayer && mixture.layers.length > 1 ? (
              <div className="gate-mark" title="a confidence gate may skip this layer">
                gate ≥ {mixture.gate.threshold}
              </div>
            ) : null}
            <div className="diagram-layer-title">layer {layer}</div>
            {agents.map((agent) => (
              <div className={`diagram-agent role-${agent.role}`} key={agent.id} title={agent.id}>
                {agent.id === mixture.router ? <span className="router-mark">router </span> : null}
                <span className="agent-name">{agent.name}</span>
                <span className="agent-model">{agent.model}</span>
              </div>
            ))}
          </div>
        ))}
      </div>
    </figure>
  );
}

/*
 * What the page reads from the server, typed here rather than imported from src/: the server's
 * modules bring Node-only types that the browser build has no use for. The shapes are those of
 * src/server/mixtures/describeMixture.ts (GET /v1/models' `moa` field), src/state/moaState.ts
 * (answers, routes, gates) and src/nodes/callAgent.ts (the custom stream events).
 */

export interface MixtureAgent {
  id: string;
  name: string;
  role: string;
  model: string;
}

export interface MixtureDescription {
  kind: string;
  name: string;
  layers: Array<{ layer: number; agents: MixtureAgent[] }>;
  agents: number;
  router?: string;
  gate?: { threshold: number };
}

export interface ListedModel {
  id: string;
  moa?: MixtureDescription;
}

export interface AgentAnswer {
  turn: number;
  layer: number;
  role: string;
  agent: string;
  nodeId: string;
  model: string;
  content?: string;
  error?: string;
  late?: boolean;
  stage?: string;
  composite?: boolean;
  latencyMs: number;
  usage?: { inputTokens: number; outputTokens: number; totalTokens: number };
  activeParams?: number;
}

export interface RouteRecord {
  turn: number;
  router: string;
  category?: string;
  confidence: number;
  usedFallback: boolean;
  reason: string;
  experts: string[];
}

export interface GateRecord {
  turn: number;
  threshold: number;
  confidence: number;
  skipped: boolean;
  representative?: string;
  reason: string;
}

export type MoAStreamEvent =
  | { event: "agent_start"; nodeId: string; layer: number; agent: string; role: string; model: string; reply?: true; stage?: string }
  | ({ event: "agent_end"; reply?: true } & AgentAnswer)
  | { event: "aggregator_fallback"; nodeId: string; from: string; reason: string };

export interface ThreadValues extends Record<string, unknown> {
  messages?: Array<{ id?: string; type: string; content: unknown }>;
  answers?: AgentAnswer[];
  routes?: RouteRecord[];
  gates?: GateRecord[];
}

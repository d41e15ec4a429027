import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { ResolvedAgent } from "../../src/config/ResolvedAgent.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import type { RunStore } from "../../src/persistence/RunStore.js";
import { createServeApp, type ServeAppOptions, type ServeApp } from "../../src/server/createServeApp.js";
import { describeMixture } from "../../src/server/mixtures/describeMixture.js";
import type { ServedMixture } from "../../src/server/mixtures/ServedMixture.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

/** A served app on a loopback port, with the scripted models its agents called, by agent node id. */
export interface ServeAppHarness extends ServeApp {
  url: string;
  models: Map<string, ScriptedChatModel[]>;
  close(): Promise<void>;
}

/** A two-proposer MoA whose agents answer `<agent id> says ...` after `latencyMs`. */
export function scriptedMixture({ id = "test-moa", latencyMs = 20, fail }: { id?: string; latencyMs?: number; fail?: string } = {}): {
  mixture: ServedMixture;
  models: Map<string, ScriptedChatModel[]>;
} {
  const source = { config: { name: id, layers: [{ agents: ["ollama:p1", "ollama:p2"] }], aggregator: "ollama:final" } };
  const topology = loadConfig(source);
  const models = new Map<string, ScriptedChatModel[]>();
  const modelFactory = (agent: ResolvedAgent) => {
    const model = new ScriptedChatModel({
      reply: `${agent.id} says hello world`,
      latencyMs,
      label: agent.id,
      ...(fail && agent.role === "final" ? { fail } : {}),
    });
    models.set(agent.id, [...(models.get(agent.id) ?? []), model]);
    return model;
  };
  return { mixture: { id, source, topology, description: describeMixture(topology), modelFactory }, models };
}

/** Serves {@link createServeApp} on 127.0.0.1 with scripted mixtures. */
export async function startServeApp(
  options: Partial<ServeAppOptions> & { store?: RunStore | undefined; latencyMs?: number } = {},
): Promise<ServeAppHarness> {
  const { mixture, models } = scriptedMixture({ latencyMs: options.latencyMs ?? 20 });
  const served = createServeApp({ mixtures: [mixture], log: () => {}, ...options });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: served.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...served,
    url: `http://127.0.0.1:${port}`,
    models,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

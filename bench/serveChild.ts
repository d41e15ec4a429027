// The process under test of bench/serve.ts: `node serveChild.js <server|in-process> <topology file> <db> <clients> <rounds>`.
// As `server` it serves the topology and prints its port; as `in-process` it runs the same turns through
// the same code without HTTP and prints their latencies. The model double and the HTTP clients live in
// the parent, so both modes pay the same for model calls and neither pays for its clients' CPU.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { openRunStore } from "../src/persistence/openRunStore.js";
import { createServeApp } from "../src/server/createServeApp.js";
import { loadServedMixtures } from "../src/server/mixtures/loadServedMixtures.js";
import { readTurn, startTurn } from "../src/server/runs/startTurn.js";

const [mode, file, db, clientsText, roundsText] = process.argv.slice(2);
const clients = Number(clientsText);
const [mixture] = loadServedMixtures({ specs: [file!] });
const store = await openRunStore({ db: db! });

if (mode === "server") {
  const served = createServeApp({ mixtures: [mixture!], store, maxRunning: clients, maxWaiting: clients, log: () => {} });
  const server = serve({ fetch: served.app.fetch, port: 0, hostname: "127.0.0.1" }, () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  // The parent marks the start of the measured rounds: CPU spent starting up and warming up is left out.
  process.on("SIGUSR2", () => process.stdout.write(`${JSON.stringify({ cpuMs: cpuMs() })}\n`));
  process.once("SIGTERM", () => {
    process.stdout.write(`${JSON.stringify({ cpuMs: cpuMs() })}\n`);
    server.close(() => void store.close().then(() => process.exit(0)));
  });
} else {
  const one = async (): Promise<number> => {
    const t0 = performance.now();
    const turn = await startTurn({
      mixture: mixture!,
      store,
      threadId: crypto.randomUUID(),
      messages: [{ role: "user", content: "Why is the sky blue?" }],
    });
    const { text } = await readTurn(turn.events);
    if (!text) throw new Error("empty reply");
    return performance.now() - t0;
  };
  const times: number[] = [];
  let measuredFrom = 0;
  // The first round warms up (module loading, graph compilation) and is not counted, as for the server.
  for (let round = 0; round <= Number(roundsText); round++) {
    const batch = await Promise.all(Array.from({ length: clients }, one));
    if (round > 0) times.push(...batch);
    else measuredFrom = cpuMs();
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ times, cpuMs: cpuMs() - measuredFrom })}\n`);
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

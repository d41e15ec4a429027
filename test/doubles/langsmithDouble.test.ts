import { randomUUID } from "node:crypto";
import { Client } from "langsmith";
import { afterEach, describe, expect, it } from "vitest";
import { startLangSmithDouble, type LangSmithDouble } from "./langsmithDouble.js";

let double: LangSmithDouble | undefined;
afterEach(() => double?.close());

/** One run created and then finished through the real client, as a tracer does. */
async function traceOneRun(client: Client): Promise<string> {
  const id = randomUUID();
  const start = Date.now();
  const dotted_order = `${new Date(start).toISOString().replace(/[-:.]/g, "")}${id}`;
  await client.createRun({
    id,
    name: "root",
    run_type: "chain",
    inputs: { question: "Why?" },
    start_time: start,
    trace_id: id,
    dotted_order,
    extra: { metadata: { moa_layer: 1 } },
  });
  // The update carries the whole extra, as LangChain's tracer sends it: the client's multipart batch merges a
  // create with its update shallowly, so an update's extra replaces the create's.
  const extra = { metadata: { moa_layer: 1 } };
  await client.updateRun(id, { outputs: { answer: "Because." }, end_time: start + 5, trace_id: id, dotted_order, extra });
  await client.awaitPendingTraceBatches();
  return id;
}

describe("LangSmith double", () => {
  it("pieces a run together from the client's multipart uploads", async () => {
    double = await startLangSmithDouble();
    const id = await traceOneRun(new Client({ apiUrl: double.url, apiKey: "k" }));
    expect(double.requests.some((r) => r.method === "POST" && r.path === "/runs/multipart")).toBe(true);
    expect(double.runs.get(id)).toMatchObject({
      name: "root",
      inputs: { question: "Why?" },
      outputs: { answer: "Because." },
      extra: { metadata: { moa_layer: 1 } },
    });
  });

  it("takes the JSON batch endpoint when it says multipart is off", async () => {
    double = await startLangSmithDouble({ batchOnly: true });
    const id = await traceOneRun(new Client({ apiUrl: double.url, apiKey: "k" }));
    expect(double.requests.some((r) => r.method === "POST" && r.path === "/runs/batch")).toBe(true);
    expect(double.runs.get(id)).toMatchObject({ name: "root", outputs: { answer: "Because." } });
  });

  it("takes single runs and their updates when the client does not batch", async () => {
    double = await startLangSmithDouble();
    const id = await traceOneRun(new Client({ apiUrl: double.url, apiKey: "k", autoBatchTracing: false }));
    expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(["POST /runs", `PATCH /runs/${id}`]));
    expect(double.runs.get(id)).toMatchObject({ name: "root", inputs: { question: "Why?" }, outputs: { answer: "Because." } });
  });

  it("records the API key each request carried", async () => {
    double = await startLangSmithDouble();
    await traceOneRun(new Client({ apiUrl: double.url, apiKey: "secret-key" }));
    expect(double.requests.map((r) => r.apiKey)).toContain("secret-key");
  });
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRACE_FLUSH_MS, flushTraces, isTracingOn, traceFlushDeadlineMs } from "../../src/cli/flushTraces.js";
import { UsageError } from "../../src/errors/UsageError.js";

function captured(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

const tracing = { LANGSMITH_TRACING: "true", LANGSMITH_ENDPOINT: "http://user:secret@127.0.0.1:9/api" };

describe("isTracingOn", () => {
  it("is on when any of LangChain's tracing switches is true", () => {
    expect(isTracingOn({ env: { LANGCHAIN_TRACING_V2: "true" } })).toBe(true);
  });

  it("is off when the switches are unset or not exactly true", () => {
    expect(isTracingOn({ env: { LANGSMITH_TRACING: "false", LANGCHAIN_TRACING: "1" } })).toBe(false);
  });
});

describe("traceFlushDeadlineMs", () => {
  it("defaults to a few seconds", () => {
    expect(traceFlushDeadlineMs({ env: {} })).toBe(DEFAULT_TRACE_FLUSH_MS);
  });

  it("reads MOA_TRACE_FLUSH_MS in milliseconds, 0 included", () => {
    expect(traceFlushDeadlineMs({ env: { MOA_TRACE_FLUSH_MS: "0" } })).toBe(0);
  });

  it.each(["5s", "-1", "1.5", "600001"])("refuses %s with a usage error naming the variable", (value) => {
    expect(() => traceFlushDeadlineMs({ env: { MOA_TRACE_FLUSH_MS: value } })).toThrow(UsageError);
    expect(() => traceFlushDeadlineMs({ env: { MOA_TRACE_FLUSH_MS: value } })).toThrow(/MOA_TRACE_FLUSH_MS/);
  });
});

describe("flushTraces", () => {
  it("sends nothing when tracing is off", async () => {
    let sent = 0;
    const outcome = await flushTraces({ deadlineMs: 1000, env: {}, send: async () => void sent++ });
    expect({ outcome, sent }).toEqual({ outcome: "off", sent: 0 });
  });

  it("waits for the queued traces to be sent and says nothing", async () => {
    const stderr = captured();
    let done = false;
    const send = () => new Promise<void>((resolve) => setTimeout(() => resolve(void (done = true)), 20));
    const outcome = await flushTraces({ deadlineMs: 60_000, env: tracing, stderr: stderr.stream, send });
    expect({ outcome, done, stderr: stderr.text() }).toEqual({ outcome: "finished", done: true, stderr: "" });
  });

  it("gives up at the deadline and warns, naming the endpoint without its credentials", async () => {
    const stderr = captured();
    const outcome = await flushTraces({ deadlineMs: 50, env: tracing, stderr: stderr.stream, send: () => new Promise<void>(() => {}) });
    expect(outcome).toBe("timedOut");
    expect(stderr.text()).toMatch(
      /^warning: LangSmith traces not all sent within 0\.1 s \(to http:\/\/127\.0\.0\.1:9\).*MOA_TRACE_FLUSH_MS/,
    );
    expect(stderr.text()).not.toContain("secret");
  });

  it("does not fail the command when sending fails", async () => {
    const outcome = await flushTraces({ deadlineMs: 1000, env: tracing, send: () => Promise.reject(new Error("boom")) });
    expect(outcome).toBe("finished");
  });

  it("reports each distinct message of the LangSmith client once, by its first line", async () => {
    const stderr = captured();
    const failure = "Error exporting batch: LangSmithAuthError: Received status [401]\n    at raiseForStatus (client.mjs:1:1)";
    const clientMessages = () => ["[LANGSMITH]: Failed to fetch info", failure, failure];
    await flushTraces({ deadlineMs: 1000, env: tracing, stderr: stderr.stream, send: async () => {}, clientMessages });
    expect(stderr.text()).toBe(
      "warning: LangSmith (http://127.0.0.1:9): Failed to fetch info\n" +
        "warning: LangSmith (http://127.0.0.1:9): Error exporting batch: LangSmithAuthError: Received status [401]\n",
    );
  });

  it("reports the client's messages whole when debugging", async () => {
    const stderr = captured();
    const clientMessages = () => ["upload failed\n    at raiseForStatus (client.mjs:1:1)"];
    await flushTraces({ deadlineMs: 1000, env: tracing, stderr: stderr.stream, send: async () => {}, clientMessages, debug: true });
    expect(stderr.text()).toContain("    at raiseForStatus");
  });

  it("shows at most five of the client's messages and counts the rest", async () => {
    const stderr = captured();
    const clientMessages = () => Array.from({ length: 8 }, (_, i) => `problem ${i}`);
    await flushTraces({ deadlineMs: 1000, env: tracing, stderr: stderr.stream, send: async () => {}, clientMessages });
    expect(stderr.text().split("\n").filter(Boolean)).toHaveLength(6);
    expect(stderr.text()).toContain("warning: LangSmith: 3 more messages like these");
  });
});

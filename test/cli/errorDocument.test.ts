import { describe, expect, it } from "vitest";
import { errorDocument } from "../../src/cli/errorDocument.js";
import { markResumable } from "../../src/cli/resumableThread.js";
import { threadNotFound } from "../../src/cli/threadNotFound.js";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { RunInterruptedError } from "../../src/errors/RunInterruptedError.js";
import { BackendUnavailableError } from "../../src/models/checkBackends.js";

describe("errorDocument", () => {
  it("lists a configuration error's problems with their field paths", () => {
    const error = new ConfigError([
      { path: "layers[0].agents[1]", message: "expected a model reference" },
      { path: "aggregator", message: "required" },
    ]);
    expect(errorDocument(error).error.issues).toEqual([
      { path: "layers[0].agents[1]", message: "expected a model reference" },
      { path: "aggregator", message: "required" },
    ]);
  });

  it("says how to resume an interruption once, in `thread`, not also in the message", () => {
    const error = new RunInterruptedError(undefined, "Resume with: moa resume t1");
    markResumable({ error, thread: { id: "t1", resume: "moa resume t1" } });
    const { message, thread } = errorDocument(error).error;
    expect(message).toBe("interrupted; in-flight model calls were cancelled");
    expect(thread).toEqual({ id: "t1", resume: "moa resume t1" });
  });

  it("gives an unusable backend the fix of each problem", () => {
    const error = new BackendUnavailableError([
      { backend: "ollama", target: "http://127.0.0.1:11434", reason: "connection refused", agents: ["aggregator"], fix: "start Ollama" },
      { backend: "openai", target: "http://127.0.0.1:8000/v1", reason: "HTTP 401", agents: ["layer1/a"], fix: "check the API key" },
    ]);
    expect(errorDocument(error).error.fix).toBe("start Ollama; check the API key");
  });

  it("tells how to find the id of an unknown thread", () => {
    const { code, fix } = errorDocument(threadNotFound({ thread: "nope", store: { description: "sqlite /tmp/runs.sqlite" } })).error;
    expect(code).toBe("thread_not_found");
    expect(fix).toContain("moa threads");
  });
});

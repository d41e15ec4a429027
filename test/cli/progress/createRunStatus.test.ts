import { describe, expect, it } from "vitest";
import { createRunStatus } from "../../../src/cli/progress/createRunStatus.js";
import type { MoAStreamEvent } from "../../../src/nodes/callAgent.js";

const ESC = "\x1b";

/** A status writing into an array, on a clock the test moves; no timer (redraws on events only). */
function harness({ isTTY, columns }: { isTTY: boolean; columns?: number }) {
  let t = 0;
  const out: string[] = [];
  const stream = { write: (chunk: string) => void out.push(chunk), isTTY, ...(columns !== undefined ? { columns } : {}) };
  const status = createRunStatus({ stream, title: "moa-lite", now: () => t, tickMs: 0 });
  return { out, status, at: (ms: number) => void (t = ms) };
}

const start = (agent: string, layer = 1, extra: Partial<Extract<MoAStreamEvent, { event: "agent_start" }>> = {}): MoAStreamEvent => ({
  event: "agent_start",
  nodeId: `layer${layer}/${agent}`,
  layer,
  agent,
  role: layer === 1 ? "proposer" : "final",
  model: `ollama:${agent}`,
  ...extra,
});

const end = (agent: string, layer = 1, extra: Record<string, unknown> = {}): MoAStreamEvent =>
  ({
    event: "agent_end",
    turn: 1,
    layer,
    role: layer === 1 ? "proposer" : "final",
    agent,
    agentIndex: 0,
    nodeId: `layer${layer}/${agent}`,
    model: `ollama:${agent}`,
    latencyMs: 1500,
    startedAt: new Date(0).toISOString(),
    ...extra,
  }) as MoAStreamEvent;

/** The last frame drawn: the lines after the last cursor move, without the clear-line codes. */
function lastFrame(out: string[]): string[] {
  const last = out.at(-1) ?? "";
  return last
    .replace(new RegExp(`^${ESC}\\[\\d+A`), "")
    .split("\n")
    .slice(0, -1)
    .map((line) => line.replace(`\r${ESC}[2K`, ""));
}

describe("createRunStatus at a terminal", () => {
  it("draws the elapsed time and one line per layer with its running agents", () => {
    const { out, status, at } = harness({ isTTY: true, columns: 120 });
    status.update(start("a"));
    at(100);
    status.update(start("b"));
    expect(lastFrame(out)).toEqual(["moa-lite · 0.1 s", "  layer 1  0.1 s  running a, b"]);
    status.end();
  });

  it("redraws in place: the cursor goes back up over the lines drawn before", () => {
    const { out, status, at } = harness({ isTTY: true, columns: 120 });
    status.update(start("a"));
    status.update(start("b"));
    at(1500);
    status.update(end("a", 1, { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }));
    expect(out[0]?.startsWith(`${ESC}[`)).toBe(false);
    expect(out[1]?.startsWith(`${ESC}[2A`)).toBe(true);
    expect(out[2]?.startsWith(`${ESC}[2A`)).toBe(true);
    expect(lastFrame(out)).toEqual(["moa-lite · 1.5 s", "  layer 1  1.5 s  running b · answered a"]);
    status.end();
  });

  it("shows failed agents and quorum stragglers as late (cancelled), apart from each other", () => {
    const { out, status, at } = harness({ isTTY: true, columns: 120 });
    for (const agent of ["a", "b", "c"]) status.update(start(agent));
    at(1000);
    status.update(end("a"));
    status.update(end("b", 1, { error: "HTTP 500: boom" }));
    status.update(end("c", 1, { error: "late: cancelled after 1 of 3 agents answered (quorum 1)", late: true }));
    expect(lastFrame(out)[1]).toBe("  layer 1  1.0 s  answered a · failed b · late (cancelled) c");
    status.end();
  });

  it("stops a finished layer's clock and starts the next layer's", () => {
    const { out, status, at } = harness({ isTTY: true, columns: 120 });
    status.update(start("a"));
    at(2000);
    status.update(end("a"));
    at(2500);
    status.update(start("aggregator", 2));
    at(4000);
    status.update(start("x", 3));
    expect(lastFrame(out)).toEqual([
      "moa-lite · 4.0 s",
      "  layer 1  2.0 s  answered a",
      "  layer 2  1.5 s  running aggregator",
      "  layer 3  0.0 s  running x",
    ]);
    status.end();
  });

  it("gives a stage expert's calls lines of their own, named after the stage", () => {
    const { out, status } = harness({ isTTY: true, columns: 120 });
    status.update(start("panel", 1, { nodeId: "expert/panel", role: "expert", model: "stage panel" }));
    status.update(start("a", 1, { stage: "expert/panel" }));
    status.update(start("a", 1, { nodeId: "expert/a", role: "expert" }));
    expect(lastFrame(out).slice(1)).toEqual(["  layer 1  0.0 s  running panel, a", "  layer 1 · panel › layer 1  0.0 s  running a"]);
    status.end();
  });

  it("keeps every line within the terminal width, naming only what went wrong when names do not fit", () => {
    const { out, status } = harness({ isTTY: true, columns: 50 });
    for (const agent of ["qwen2.5-1.5b", "llama3.2-1b", "gemma2-2b", "bad-1b"]) status.update(start(agent));
    status.update(end("bad-1b", 1, { error: "HTTP 500" }));
    const frame = lastFrame(out);
    expect(frame[1]).toBe("  layer 1  0.0 s  running 3 · failed bad-1b");
    status.update(start("an-agent-whose-name-alone-is-wider-than-the-terminal", 2));
    expect(lastFrame(out)[2]).toBe("  layer 2  0.0 s  running 1");
    for (const chunk of out) for (const line of chunk.split("\n")) expect(line.split(`${ESC}[2K`).at(-1)!.length).toBeLessThan(50);
    status.end();
  });

  it("hide() takes the lines off the screen and the next change draws them again below", () => {
    const { out, status } = harness({ isTTY: true, columns: 120 });
    status.update(start("a"));
    status.hide();
    expect(out.at(-1)).toBe(`${ESC}[2A\r${ESC}[J`);
    status.update(start("b"));
    expect(out.at(-1)?.startsWith(`\r${ESC}[2K`)).toBe(true);
    status.end();
  });

  it("end() clears the lines for good: later events draw nothing", () => {
    const { out, status } = harness({ isTTY: true, columns: 120 });
    status.update(start("a"));
    status.update(start("b"));
    status.end({ cancelled: true });
    expect(out.at(-1)).toBe(`${ESC}[2A\r${ESC}[J`);
    const written = out.length;
    status.update(end("a"));
    status.end();
    expect(out).toHaveLength(written);
  });

  it("strips control sequences from names and reasons before drawing them", () => {
    const { out, status } = harness({ isTTY: true, columns: 120 });
    status.update(start("evil\x1b]0;title\x07-1b"));
    expect(lastFrame(out)[1]).toBe("  layer 1  0.0 s  running evil-1b");
    status.end();
  });
});

describe("createRunStatus in a log", () => {
  it("writes one plain line per call started and ended, with latency and tokens", () => {
    const { out, status, at } = harness({ isTTY: false });
    status.update(start("a"));
    at(1600);
    status.update(end("a", 1, { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }));
    status.end();
    expect(out).toEqual(["[0.0 s] layer 1 · a (ollama:a) started\n", "[1.6 s] layer 1 · a answered in 1.50 s (3 in + 4 out tokens)\n"]);
  });

  it("says why a call failed, on one line, and shows a quorum straggler as late (cancelled), not failed", () => {
    const { out, status } = harness({ isTTY: false });
    status.update(end("b", 1, { error: "HTTP 500:\nllama runner crashed" }));
    status.update(end("c", 1, { error: "late: cancelled after 2 of 3 agents answered (quorum 2)", late: true }));
    expect(out).toEqual([
      "[0.0 s] layer 1 · b failed after 1.50 s: HTTP 500: llama runner crashed\n",
      "[0.0 s] layer 1 · c late (cancelled) after 2 of 3 agents answered (quorum 2)\n",
    ]);
  });

  it("names the calls still running as cancelled when the run stops, and only then", () => {
    const run = (cancelled: boolean) => {
      const { out, status } = harness({ isTTY: false });
      status.update(start("a"));
      status.update(start("b"));
      status.update(end("a"));
      status.end({ cancelled });
      return out.slice(3);
    };
    expect(run(true)).toEqual(["[0.0 s] layer 1 · b cancelled\n"]);
    expect(run(false)).toEqual([]);
  });

  it("writes no ANSI codes", () => {
    const { out, status } = harness({ isTTY: false, columns: 20 });
    status.update(start("a-long-agent-name-that-is-wider-than-the-terminal"));
    status.hide();
    status.end({ cancelled: true });
    expect(out.join("")).not.toContain(ESC);
  });
});

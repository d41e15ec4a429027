import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { replayCommand } from "../../../evals/replay/replayCommand.js";
import type { ReplayResult } from "../../../evals/replay/types.js";
import { UsageError } from "../../../src/errors/UsageError.js";
import { FOUR_GATE_ITEMS, writeRecordedFolder } from "./recordedFolder.js";

const sink = () => {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join("") };
};
const gsm8kOnly = writeRecordedFolder({ gsm8k: FOUR_GATE_ITEMS });

describe("replayCommand", () => {
  it("rejects a missing folder with a UsageError naming --data and the expected layout", async () => {
    const run = replayCommand({ benchmarks: ["gsm8k"], data: "/nonexistent/routellm", stdout: sink(), stderr: sink() });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(/--data \/nonexistent\/routellm: no such folder.*gsm8k_responses\.jsonl.*mmlu\/\*\.jsonl/);
  });

  it("rejects a folder without MMLU files when MMLU is asked for", async () => {
    const run = replayCommand({ benchmarks: ["mmlu"], data: gsm8kOnly, stdout: sink(), stderr: sink() });
    await expect(run).rejects.toThrow(/mmlu\/ holds no \.jsonl files/);
  });

  it("prints the results as a JSON array of ReplayResult with json", async () => {
    const stdout = sink();
    await replayCommand({ benchmarks: ["gsm8k"], data: gsm8kOnly, json: true, stdout, stderr: sink() });
    const results = JSON.parse(stdout.text()) as ReplayResult[];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ benchmark: "gsm8k", items: 4, gate: { extractor: "number" } });
  });

  it("prints a table with every router and the gate rows by default", async () => {
    const stdout = sink();
    await replayCommand({ benchmarks: ["gsm8k"], data: gsm8kOnly, stdout, stderr: sink() });
    expect(stdout.text()).toMatch(/^ {2}rules +\S+ /m);
    expect(stdout.text()).toMatch(/T = 1 +skip +50\.0% \(2\), accuracy 75\.0%/);
  });

  it("writes replay.json into the out folder", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "moa-replay-out-")), "nested");
    await replayCommand({ benchmarks: ["gsm8k"], data: gsm8kOnly, out, stdout: sink(), stderr: sink() });
    const file = path.join(out, "replay.json");
    expect(existsSync(file)).toBe(true);
    expect((JSON.parse(readFileSync(file, "utf8")) as ReplayResult[])[0]!.benchmark).toBe("gsm8k");
  });
});

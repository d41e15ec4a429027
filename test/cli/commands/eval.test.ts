import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalSummary, ItemResult } from "../../../evals/types.js";
import { startOllamaDouble, type OllamaChatRequest, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { startLoopbackServer, type LoopbackServer } from "../../doubles/loopback.js";
import { runCli } from "../../helpers/runCli.js";

const SHARED = path.resolve(import.meta.dirname, "../../../../shared/datasets");
const dir = mkdtempSync(path.join(tmpdir(), "moa-eval-cli-"));
let ollama: OllamaDouble;
let topology: string;

const lastUser = (req: OllamaChatRequest) => req.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
const system = (req: OllamaChatRequest) => req.messages.find((m) => m.role === "system")?.content ?? "";

// The aggregator answers "18" to arithmetic (right only for GSM8K's first item), "B" to a choice
// question, and a marked text otherwise, which the scripted judge always prefers.
function aggregatorReply(req: OllamaChatRequest): string {
  const text = req.messages.map((m) => m.content).join("\n");
  if (text.includes("Answer with the letter")) return "The answer is (B).";
  if (/Janet|ducks|robe|Josh|James/.test(text)) return "So the answer is 18.";
  return "MOA-ANSWER: a careful reply.";
}

function judgeReply(req: OllamaChatRequest): string {
  const prompt = lastUser(req);
  if (system(req).includes("compare two answers"))
    return prompt.includes("### Assistant A\nMOA-ANSWER") ? "A is more helpful. [[A>B]]" : "B is more helpful. [[B>A]]";
  return prompt.includes("Grade only the assistant's answer to turn 2") ? "Weaker follow-up. Rating: [[4]]" : "Good. Rating: [[8]]";
}

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "prop-a": { reply: "Proposal A." },
      "prop-b": { reply: "Proposal B." },
      agg: { reply: aggregatorReply },
      judge: { reply: judgeReply },
      single: { reply: "MOA-ANSWER: one model." },
    },
  });
  topology = path.join(dir, "moa.yaml");
  writeFileSync(
    topology,
    ["name: duo", "defaults: { retries: 0 }", "layers:", "  - agents: [ollama:prop-a, ollama:prop-b]", "aggregator: ollama:agg", ""].join(
      "\n",
    ),
  );
});
afterAll(() => ollama.close());

const env = (extra: Record<string, string> = {}) => ({
  OLLAMA_HOST: ollama.url,
  MOA_EVAL_STORE: mkdtempSync(path.join(dir, "store-")),
  ...extra,
});
const readSummary = (out: string) => JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8")) as EvalSummary;
const readResults = (out: string) =>
  readFileSync(path.join(out, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ItemResult);

async function evalRun(args: string[], extraEnv: Record<string, string> = {}) {
  const out = mkdtempSync(path.join(dir, "out-"));
  const result = await runCli(["eval", ...args, "--out", out, "--limit", "5", "--json"], { env: env(extraEnv), timeoutMs: 60_000 });
  return { ...result, out };
}

describe("moa eval on 5-item subsets", () => {
  it("scores GSM8K by exact match: one right of five", async () => {
    const run = await evalRun(["--bench", "gsm8k", "--topology", topology, "--data", SHARED]);
    expect(run.code, run.stderr).toBe(0);
    const summary = readSummary(run.out);
    expect(summary.quality).toMatchObject({ metric: "accuracy", value: 20, scored: 5 });
    expect(summary.cost.callsPerItem).toBe(3);
    expect(readResults(run.out).map((r) => r.score.correct)).toEqual([true, false, false, false, false]);
    for (const file of ["report.md", "report.html", "results.jsonl", "summary.json"])
      expect(existsSync(path.join(run.out, file))).toBe(true);
  });

  it("scores MMLU by the choice letter: the first five gold letters are B, C, D, B, B", async () => {
    const run = await evalRun(["--bench", "mmlu", "--topology", topology, "--data", SHARED]);
    expect(run.code, run.stderr).toBe(0);
    expect(readSummary(run.out).quality).toMatchObject({ metric: "accuracy", value: 60 });
  });

  it("grades MT-Bench per turn with the judge, whose calls are counted apart", async () => {
    const before = ollama.callsFor("judge").length;
    const run = await evalRun(["--bench", "mt-bench", "--topology", topology, "--data", SHARED, "--judge", "ollama:judge"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = readSummary(run.out);
    // Turn 1 rated 8 and turn 2 rated 4 on every question.
    expect(summary.quality).toMatchObject({ metric: "mt-bench", value: 6, unparsable: 0 });
    expect(summary.judgeCost?.calls).toBe(10);
    expect(ollama.callsFor("judge").length - before).toBe(10);
    expect(summary.cost.callsPerItem).toBe(6);
  });

  it("gives MT-Bench's judge the reference answer on math, reasoning and coding questions", async () => {
    const judgeCalls = ollama.callsFor("judge").length;
    const run = await evalRun(["--bench", "mt-bench", "--topology", topology, "--data", SHARED, "--judge", "ollama:judge"], {});
    expect(run.code, run.stderr).toBe(0);
    // The first five questions are writing: none gets a reference.
    expect(
      ollama
        .callsFor("judge")
        .slice(judgeCalls)
        .some((c) => lastUser(c).includes("### Reference answer")),
    ).toBe(false);
  });

  it("plays Arena-Hard's two games per question in both orders, against the recorded baseline", async () => {
    const before = ollama.callsFor("judge").length;
    const run = await evalRun(["--bench", "arena-hard", "--topology", topology, "--data", SHARED, "--judge", "ollama:judge"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = readSummary(run.out);
    expect(summary.baseline).toBe("gpt-4-0314");
    expect(summary.quality.metric).toBe("bt-score");
    expect(summary.quality.value).toBeGreaterThan(50);
    expect(summary.quality.interval).toHaveLength(2);
    const calls = ollama.callsFor("judge").slice(before);
    expect(calls).toHaveLength(10);
    expect(calls.filter((c) => lastUser(c).includes("### Assistant A\nMOA-ANSWER"))).toHaveLength(5);
    expect(readResults(run.out)[0]!.score.games).toEqual([
      { first: "model", verdict: "A>B" },
      { first: "baseline", verdict: "A>B" },
    ]);
  });

  it("computes AlpacaEval's win rate and length-controlled win rate against a --baseline model", async () => {
    const data = path.join(dir, "alpaca.json");
    const rows = ["Name a colour.", "Say hello.", "Count to three.", "Give a fruit.", "Name a city."].map((instruction) => ({
      instruction,
      output: "reference output",
      generator: "reference",
      dataset: "synthetic",
    }));
    writeFileSync(data, JSON.stringify(rows));
    const run = await evalRun([
      "--bench",
      "alpaca-eval",
      "--topology",
      topology,
      "--data",
      data,
      "--judge",
      "ollama:judge",
      "--baseline",
      "ollama:single",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = readSummary(run.out);
    expect(summary.baseline).toBe("ollama:single");
    // Both answers start with the marker: the judge prefers whichever is shown first, so each game is one win, one loss.
    expect(summary.quality).toMatchObject({ metric: "win-rate", value: 50 });
    expect(summary.quality.lengthControlled).toBeTypeOf("number");
  });

  it("refuses a judged benchmark without --judge, naming the flag", async () => {
    const run = await runCli(["eval", "--bench", "mt-bench", "--topology", topology, "--data", SHARED], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--judge: mt-bench is scored by a judge model/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses --data that does not exist with what to give instead", async () => {
    const run = await runCli(["eval", "--bench", "gsm8k", "--topology", topology, "--data", path.join(dir, "nope")], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--data: .*nope does not exist/);
  });
});

describe("moa eval downloads", () => {
  let server: LoopbackServer;
  let requests: string[];
  beforeAll(async () => {
    requests = [];
    server = await startLoopbackServer(async (req, res) => {
      if (req.method === "GET") requests.push(req.url ?? "");
      if (!(req.url ?? "").endsWith("/grade_school_math/data/test.jsonl")) {
        res.writeHead(404).end();
        return;
      }
      const body = readFileSync(path.join(SHARED, "gsm8k/test.jsonl"));
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length }).end(body);
    });
  });
  afterAll(() => server.close());

  it("fetches GSM8K once into the cache through MOA_DATASETS_MIRROR, then reads the cache", async () => {
    const cache = mkdtempSync(path.join(dir, "datasets-"));
    const extra = { MOA_DATASETS_MIRROR: server.url, MOA_DATASETS_DIR: cache };
    const first = await evalRun(["--bench", "gsm8k", "--topology", topology], extra);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/downloading gsm8k .*license: MIT/);
    expect(requests.filter((url) => url.startsWith("/raw.githubusercontent.com/openai/grade-school-math/"))).toHaveLength(1);
    const second = await evalRun(["--bench", "gsm8k", "--topology", topology], extra);
    expect(second.code).toBe(0);
    expect(requests).toHaveLength(1);
    expect(readSummary(second.out).quality.value).toBe(20);
    expect(readdirSync(path.join(cache, "gsm8k"))).toContain("test.jsonl");
  });
});

describe("moa eval resuming", () => {
  it("goes on after an interruption without generating any item twice", async () => {
    ollama.setBehavior("slow-agg", { reply: aggregatorReply, latencyMs: 300 });
    const slow = path.join(dir, "slow.yaml");
    writeFileSync(
      slow,
      ["name: slow", "defaults: { retries: 0 }", "layers:", "  - agents: [ollama:prop-a]", "aggregator: ollama:slow-agg", ""].join("\n"),
    );
    const store = mkdtempSync(path.join(dir, "store-"));
    const out = path.join(dir, "resumed");
    const args = ["eval", "--bench", "gsm8k", "--topology", slow, "--data", SHARED, "--limit", "5", "--concurrency", "1", "--out", out];
    const storedLines = () =>
      readdirSync(store)
        .filter((name) => name.endsWith(".jsonl"))
        .map((name) => readFileSync(path.join(store, name), "utf8").trim().split("\n").filter(Boolean).length)
        .reduce((a, b) => a + b, 0);
    const before = ollama.callsFor("slow-agg").length;
    const first = await runCli(args, {
      env: env({ MOA_EVAL_STORE: store }),
      timeoutMs: 60_000,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (storedLines() >= 2) {
            clearInterval(poll);
            child.kill("SIGINT");
          }
        }, 20);
        child.on("exit", () => clearInterval(poll));
      },
    });
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/run the same command again/);
    const savedAfterFirst = storedLines();
    expect(savedAfterFirst).toBeGreaterThanOrEqual(2);
    expect(savedAfterFirst).toBeLessThan(5);

    const second = await runCli(args, { env: env({ MOA_EVAL_STORE: store }), timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`\\(${savedAfterFirst} reused\\)`));
    expect(readResults(out)).toHaveLength(5);
    // Every question reached the aggregator once over both runs, except the one cut off mid-call.
    const questions = ollama
      .callsFor("slow-agg")
      .slice(before)
      .filter((call) => call.outcome === "ok")
      .map((call) => lastUser(call));
    expect(new Set(questions).size).toBe(questions.length);
    expect(questions).toHaveLength(5);
  });
});

describe("moa eval on in-process llama.cpp", () => {
  it("stops cleanly at Ctrl-C, saying how to go on, though llama.cpp's libraries listen for SIGINT too", async () => {
    const tiny = path.resolve(import.meta.dirname, "../../fixtures/tiny-llamacpp.yaml");
    const store = mkdtempSync(path.join(dir, "store-"));
    const stored = () =>
      readdirSync(store)
        .filter((name) => name.endsWith(".jsonl"))
        .some((name) => readFileSync(path.join(store, name), "utf8").trim() !== "");
    const run = await runCli(["eval", "--bench", "gsm8k", "--topology", tiny, "--data", SHARED, "--limit", "1000", "--concurrency", "1"], {
      env: env({ MOA_EVAL_STORE: store }),
      timeoutMs: 120_000,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (stored()) {
            clearInterval(poll);
            child.kill("SIGINT");
          }
        }, 20);
        child.on("exit", () => clearInterval(poll));
      },
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/answers made so far are kept in .*run the same command again/s);
  });
});

describe("moa eval replay", () => {
  it("replays the project's LLM router with --router-model next to the baselines, one call per recorded prompt", async () => {
    // A router that knows which GSM8K prompts the weak model gets wrong would be perfect; this one sends
    // prompts mentioning money to the strong model.
    ollama.setBehavior("router", {
      reply: (req) =>
        JSON.stringify(
          /\$/.test(lastUser(req))
            ? { category: "strong", confidence: 0.9, reason: "money" }
            : { category: "weak", confidence: 0.8, reason: "plain" },
        ),
    });
    const out = mkdtempSync(path.join(dir, "replay-"));
    const before = ollama.callsFor("router").length;
    const run = await runCli(
      [
        "eval",
        "replay",
        "--bench",
        "gsm8k",
        "--data",
        path.join(SHARED, "routellm"),
        "--router-model",
        "ollama:router",
        "--out",
        out,
        "--json",
      ],
      {
        env: env(),
        timeoutMs: 120_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const [result] = JSON.parse(run.stdout) as Array<{ benchmark: string; routers: Array<{ router: string; apgr: number }> }>;
    expect(result!.benchmark).toBe("gsm8k");
    expect(result!.routers.map((r) => r.router)).toEqual(["always-weak", "always-strong", "random", "length", "keywords", "rules", "llm"]);
    expect(ollama.callsFor("router").length - before).toBe(1319);
    for (const file of ["replay.json", "report.md", "report.html"]) expect(existsSync(path.join(out, file))).toBe(true);
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors/UsageError.js";
import { loadBenchmark } from "../../../evals/datasets/loadBenchmark.js";

const SHARED = path.resolve(import.meta.dirname, "../../../../shared/datasets");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "moa-load-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, rows: unknown[]): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
  return file;
}

const mtQuestion = { question_id: 101, category: "math", turns: ["1+1?", "and times 3?"] };
const mtReference = { question_id: 101, choices: [{ turns: ["2", "6"] }] };
const arenaQuestion = { question_id: "a1", cluster: "c", turns: [{ content: "Explain X." }] };
const arenaAnswer = { question_id: "a1", model_id: "gpt-4-0314", choices: [{ turns: [{ content: "X is..." }] }] };

async function usageErrorOf(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe("loadBenchmark from --data", () => {
  it("reads a folder laid out like the shared datasets", async () => {
    write("mt_bench/question.jsonl", [mtQuestion]);
    write("mt_bench/reference_answer_gpt-4.jsonl", [mtReference]);
    const { items, source } = await loadBenchmark({ bench: "mt-bench", data: dir });
    expect(source).toBe(dir);
    expect(items).toEqual([{ id: "101", category: "math", turns: ["1+1?", "and times 3?"], reference: ["2", "6"] }]);
  });

  it("reads a folder that holds the files themselves", async () => {
    write("test.jsonl", [{ question: "Q?", answer: "#### 7" }]);
    const { items } = await loadBenchmark({ bench: "gsm8k", data: dir });
    expect(items.map((item) => item.gold)).toEqual(["7"]);
  });

  it("finds a single file's companions beside it (Arena-Hard's model_answer/gpt-4-0314.jsonl)", async () => {
    const questions = write("q/question.jsonl", [arenaQuestion]);
    write("q/model_answer/gpt-4-0314.jsonl", [arenaAnswer]);
    const { items, source } = await loadBenchmark({ bench: "arena-hard", data: questions });
    expect(source).toBe(questions);
    expect(items[0]!.baseline).toEqual({ model: "gpt-4-0314", turns: ["X is..."] });
  });

  it("finds MT-Bench's reference answers beside a single question file, and goes without them when absent", async () => {
    const questions = write("with/question.jsonl", [mtQuestion]);
    write("with/reference_answer/gpt-4.jsonl", [mtReference]);
    expect((await loadBenchmark({ bench: "mt-bench", data: questions })).items[0]!.reference).toEqual(["2", "6"]);
    const alone = write("alone/question.jsonl", [mtQuestion]);
    expect((await loadBenchmark({ bench: "mt-bench", data: alone })).items[0]!.reference).toBeUndefined();
  });

  it("reads MMLU from a folder of per-subject JSONL files, the subject from the file name", async () => {
    write("routellm/mmlu/astronomy.jsonl", [
      {
        prompt: "Which planet is largest?\nA. Mars\nB. Jupiter\nC. Venus\nD. Earth\nAnswer:",
        choices: ["Mars", "Jupiter", "Venus", "Earth"],
        answer: "B",
      },
    ]);
    write("routellm/mmlu/algebra.jsonl", [{ question: "x+1=2, x?", choices: ["0", "1", "2", "3"], answer: 1 }]);
    const { items } = await loadBenchmark({ bench: "mmlu", data: dir });
    // Files are read in name order: algebra before astronomy.
    expect(items.map((item) => [item.category, item.gold])).toEqual([
      ["algebra", "B"],
      ["astronomy", "B"],
    ]);
    expect(items[1]!.turns[0]).toBe(
      "Which planet is largest?\nA. Mars\nB. Jupiter\nC. Venus\nD. Earth\nAnswer with the letter of the correct choice.",
    );
  });

  it("refuses a path that does not exist (data_not_found)", async () => {
    const error = await usageErrorOf(loadBenchmark({ bench: "gsm8k", data: path.join(dir, "missing") }));
    expect(error.code).toBe("data_not_found");
    expect(error.fix).toContain("gsm8k/test.jsonl");
  });

  it("refuses a folder without the benchmark's required file (data_incomplete)", async () => {
    write("mt_bench/reference_answer_gpt-4.jsonl", [mtReference]);
    const error = await usageErrorOf(loadBenchmark({ bench: "mt-bench", data: dir }));
    expect(error.code).toBe("data_incomplete");
    expect(error.message).toContain("mt_bench/question.jsonl");
  });

  it("refuses an Arena-Hard question file with no baseline answers beside it (data_incomplete)", async () => {
    const questions = write("question.jsonl", [arenaQuestion]);
    expect((await usageErrorOf(loadBenchmark({ bench: "arena-hard", data: questions }))).code).toBe("data_incomplete");
  });

  it("refuses data with no usable item (data_empty)", async () => {
    const empty = path.join(dir, "test.jsonl");
    writeFileSync(empty, "");
    expect((await usageErrorOf(loadBenchmark({ bench: "gsm8k", data: empty }))).code).toBe("data_empty");
    const noGold = write("mmlu.jsonl", [{ question: "Q", subject: "x", choices: ["a", "b", "c", "d"], answer: 9 }]);
    expect((await usageErrorOf(loadBenchmark({ bench: "mmlu", data: noGold }))).code).toBe("data_empty");
  });
});

describe.runIf(existsSync(SHARED))("loadBenchmark on the shared datasets", () => {
  it.each([
    ["mt-bench", 80],
    ["arena-hard", 500],
    ["gsm8k", 1319],
    ["mmlu", 6369],
  ] as const)("reads %s: %i items with unique ids", async (bench, count) => {
    const { items } = await loadBenchmark({ bench, data: SHARED });
    expect(items).toHaveLength(count);
    expect(new Set(items.map((item) => item.id)).size).toBe(count);
  });
});

describe("loadBenchmark downloads", () => {
  /** A fetch serving files by URL path suffix; everything else is a 404. Records every request. */
  function fakeFetch(files: Record<string, string>) {
    const requests: Array<{ method: string; url: string }> = [];
    const fetchImpl: typeof fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const method = init?.method ?? "GET";
      requests.push({ method, url });
      const match = Object.entries(files).find(([suffix]) => url.endsWith(suffix));
      if (!match) return Promise.resolve(new Response("not found", { status: 404, statusText: "Not Found" }));
      const body = Buffer.from(match[1], "utf8");
      const headers = { "content-length": String(body.length), "content-type": "application/octet-stream" };
      return Promise.resolve(new Response(method === "HEAD" ? null : body, { status: 200, headers }));
    };
    return { requests, fetchImpl };
  }

  it("skips an optional file that fails to download, with a note, and still loads the questions", async () => {
    const { requests, fetchImpl } = fakeFetch({ "/mt_bench/question.jsonl": `${JSON.stringify(mtQuestion)}\n` });
    const notes: string[] = [];
    const cacheDir = path.join(dir, "cache");
    const { items, source } = await loadBenchmark({
      bench: "mt-bench",
      cacheDir,
      env: { MOA_DATASETS_MIRROR: "http://mirror.invalid/base/" },
      fetch: fetchImpl,
      onNote: (note) => notes.push(note),
    });
    expect(source).toBe(cacheDir);
    expect(items).toEqual([{ id: "101", category: "math", turns: ["1+1?", "and times 3?"] }]);
    expect(existsSync(path.join(cacheDir, "mt_bench/question.jsonl"))).toBe(true);
    expect(existsSync(path.join(cacheDir, "mt_bench/reference_answer_gpt-4.jsonl"))).toBe(false);
    expect(notes[0]).toMatch(/^downloading mt-bench into .*cache \(license: Apache-2\.0/);
    expect(notes[1]).toMatch(/^mt_bench\/reference_answer_gpt-4\.jsonl could not be downloaded \(.*\); going on without it$/);
    // The mirror serves <mirror>/<host>/<path>, its trailing slash dropped.
    const urls = new Set(requests.map((r) => r.url));
    expect([...urls].every((url) => url.startsWith("http://mirror.invalid/base/raw.githubusercontent.com/lm-sys/FastChat/"))).toBe(true);
    expect([...urls].some((url) => url.endsWith("/mt_bench/reference_answer/gpt-4.jsonl"))).toBe(true);
  });

  it("fails when a required file cannot be downloaded", async () => {
    const { fetchImpl } = fakeFetch({});
    await expect(loadBenchmark({ bench: "gsm8k", cacheDir: path.join(dir, "cache"), env: {}, fetch: fetchImpl })).rejects.toThrow(/404/);
  });
});

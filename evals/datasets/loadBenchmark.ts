import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parquetReadObjects } from "hyparquet";
import { UsageError } from "../../src/errors/UsageError.js";
import { MoAError } from "../../src/errors/MoAError.js";
import { DownloadError, downloadFile } from "../../src/models/providers/llamacpp/download/downloadFile.js";
import { readJsonl } from "../../src/testing/replay/readJsonl.js";
import type { Environment } from "../../src/util/environment.js";
import type { BenchmarkName, EvalItem } from "../types.js";
import { datasetCacheDir } from "./datasetCacheDir.js";
import { DATASET_SOURCES, type DatasetFile } from "./datasetSources.js";
import { mmluItems, parseAlpacaEval, parseArenaHard, parseGsm8k, parseMtBench, type MmluRow } from "./parseBenchmark.js";

/** Options of {@link loadBenchmark}. */
export interface LoadBenchmarkOptions {
  bench: BenchmarkName;
  /** `--data`: the benchmark's file, or a folder laid out like the shared datasets; absent: the cache, downloading on first use. */
  data?: string | undefined;
  cacheDir?: string;
  /** `MOA_DATASETS_MIRROR` (a base URL that serves `<host>/<path>` of every source) is read from here. */
  env?: Environment;
  /** Told before a download: what is fetched, from where, under which license. */
  onNote?: (note: string) => void;
  signal?: AbortSignal;
  /** Replaces the HTTP client of downloads (tests). */
  fetch?: typeof fetch;
}

/** The items and where they were read from. */
export interface LoadedBenchmark {
  items: EvalItem[];
  /** The file or folder read. */
  source: string;
}

/**
 * Reads a benchmark's items from `--data` or from the user's cache, downloading the canonical public
 * files there on first use (never shipped with the package).
 *
 * @example
 * const { items } = await loadBenchmark({ bench: "gsm8k", data: "../shared/datasets" });
 */
export async function loadBenchmark(options: LoadBenchmarkOptions): Promise<LoadedBenchmark> {
  const { bench, data } = options;
  if (data !== undefined) {
    const target = path.resolve(data);
    if (!existsSync(target))
      throw new UsageError(`--data: ${data} does not exist`, {
        code: "data_not_found",
        fix: `give the ${bench} file or a folder holding ${expectedPaths(bench)}, or leave out --data to download it`,
      });
    const files = statSync(target).isDirectory() ? filesInFolder({ bench, folder: target }) : filesBeside({ bench, file: target });
    return { items: await parse({ bench, files, onNote: options.onNote }), source: target };
  }
  const cacheDir = options.cacheDir ?? datasetCacheDir(options.env ? { env: options.env } : {});
  const files = await cached({ ...options, cacheDir });
  return { items: await parse({ bench, files, onNote: options.onNote }), source: cacheDir };
}

type Files = Record<string, string | undefined>;

function expectedPaths(bench: BenchmarkName): string {
  const extra = bench === "mmlu" ? " (or routellm/mmlu/*.jsonl)" : "";
  return DATASET_SOURCES[bench].files.map((file) => file.path).join(" and ") + extra;
}

/** A folder laid out like the shared datasets (or holding the files themselves). */
function filesInFolder({ bench, folder }: { bench: BenchmarkName; folder: string }): Files {
  if (bench === "mmlu") {
    for (const candidate of ["mmlu/test.parquet", "routellm/mmlu", "mmlu", "test.parquet"]) {
      const found = path.join(folder, candidate);
      if (existsSync(found)) return { main: found };
    }
  }
  const files: Files = {};
  for (const file of DATASET_SOURCES[bench].files) {
    const found = [path.join(folder, file.path), path.join(folder, path.basename(file.path))].find((p) => existsSync(p));
    if (!found && !file.optional)
      throw new UsageError(`--data: ${folder} holds no ${file.path}`, {
        code: "data_incomplete",
        fix: `lay the folder out like the shared datasets (${expectedPaths(bench)}), give the file itself, or leave out --data to download it`,
      });
    files[path.basename(file.path)] = found;
  }
  return files;
}

/** A single file given for the benchmark; its companions (references, baseline answers) are looked for beside it. */
function filesBeside({ bench, file }: { bench: BenchmarkName; file: string }): Files {
  const dir = path.dirname(file);
  const first = (...names: string[]) => names.map((name) => path.join(dir, name)).find((p) => existsSync(p));
  if (bench === "mt-bench")
    return {
      "question.jsonl": file,
      "reference_answer_gpt-4.jsonl": first("reference_answer_gpt-4.jsonl", "reference_answer/gpt-4.jsonl"),
    };
  if (bench === "arena-hard") {
    const baseline = first("model_answer_gpt-4-0314.jsonl", "model_answer/gpt-4-0314.jsonl");
    if (!baseline)
      throw new UsageError(`--data: no baseline answers beside ${file}`, {
        code: "data_incomplete",
        fix: "put Arena-Hard's model_answer_gpt-4-0314.jsonl (or model_answer/gpt-4-0314.jsonl) next to question.jsonl",
      });
    return { "question.jsonl": file, "model_answer_gpt-4-0314.jsonl": baseline };
  }
  return { main: file, [path.basename(DATASET_SOURCES[bench].files[0]!.path)]: file };
}

async function cached(options: LoadBenchmarkOptions & { cacheDir: string }): Promise<Files> {
  const { bench, cacheDir, onNote, env = process.env } = options;
  const files: Files = {};
  const missing = DATASET_SOURCES[bench].files.filter((file) => !existsSync(path.join(cacheDir, file.path)));
  if (missing.length > 0) onNote?.(`downloading ${bench} into ${cacheDir} (license: ${DATASET_SOURCES[bench].license})`);
  for (const file of DATASET_SOURCES[bench].files) {
    const destination = path.join(cacheDir, file.path);
    if (!existsSync(destination)) {
      const url = mirrored({ file, mirror: env.MOA_DATASETS_MIRROR });
      try {
        await downloadFile({
          url,
          destination,
          env,
          label: file.path,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      } catch (error) {
        if (!(error instanceof DownloadError) || error.reason === "aborted") throw error;
        if (file.optional) {
          onNote?.(`${file.path} could not be downloaded (${describeFailure(error)}); going on without it`);
          continue;
        }
        // The downloader's own advice speaks of model files; a dataset has its own ways around.
        throw new MoAError(`could not download ${bench}'s ${file.path} from ${url}: ${describeFailure(error)}`, {
          code: "dataset_download_failed",
          category: "environment",
          fix: `download it yourself to ${destination}, pass --data <file or folder>, or set MOA_DATASETS_MIRROR to a mirror`,
          cause: error,
        });
      }
    }
    files[path.basename(file.path)] = destination;
  }
  if (bench === "mmlu" || bench === "alpaca-eval" || bench === "gsm8k")
    files.main = files[path.basename(DATASET_SOURCES[bench].files[0]!.path)];
  return files;
}

function describeFailure(error: DownloadError): string {
  if (error.status !== undefined) return `HTTP ${error.status}`;
  return error.reason === "network" ? "the host could not be reached (no internet?)" : error.reason;
}

/** A mirror serves every source at `<mirror>/<host>/<path>`: one setting for a proxy cache or an air-gapped copy. */
function mirrored({ file, mirror }: { file: DatasetFile; mirror: string | undefined }): string {
  if (!mirror) return file.url;
  const url = new URL(file.url);
  return `${mirror.replace(/\/+$/, "")}/${url.host}${url.pathname}`;
}

interface ParseOptions {
  bench: BenchmarkName;
  files: Files;
  onNote?: ((note: string) => void) | undefined;
}

async function parse({ bench, files, onNote }: ParseOptions): Promise<EvalItem[]> {
  const items = await parseFiles({ bench, files, onNote });
  if (items.length === 0)
    throw new UsageError(`the ${bench} data holds no usable item`, {
      code: "data_empty",
      fix: `check the file: expected ${expectedPaths(bench)}`,
    });
  return items;
}

async function parseFiles({ bench, files, onNote }: ParseOptions): Promise<EvalItem[]> {
  switch (bench) {
    case "mt-bench":
      return parseMtBench({
        questions: files["question.jsonl"]!,
        ...(files["reference_answer_gpt-4.jsonl"] ? { references: files["reference_answer_gpt-4.jsonl"] } : {}),
      });
    case "arena-hard":
      return parseArenaHard({ questions: files["question.jsonl"]!, baseline: files["model_answer_gpt-4-0314.jsonl"]! });
    case "alpaca-eval":
      return parseAlpacaEval({ file: files.main ?? files["model_outputs.json"]! });
    case "gsm8k":
      return parseGsm8k({ file: files.main ?? files["test.jsonl"]! });
    case "mmlu": {
      const rows = await readMmluRows({ source: files.main! });
      const items = mmluItems({ rows, source: files.main! });
      if (items.length < rows.length)
        onNote?.(`mmlu: ${rows.length - items.length} of ${rows.length} rows have no gold answer (or not four choices) and are left out`);
      return items;
    }
  }
}

/** MMLU from the Hugging Face parquet, a JSONL file, or a folder of per-subject JSONL files (RouteLLM's layout). */
async function readMmluRows({ source }: { source: string }): Promise<MmluRow[]> {
  if (statSync(source).isDirectory()) {
    const names = readdirSync(source)
      .filter((name) => name.endsWith(".jsonl"))
      .sort();
    return (await Promise.all(names.map((name) => readMmluJsonl({ file: path.join(source, name) })))).flat();
  }
  if (source.endsWith(".parquet")) {
    const bytes = await readFile(source);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const rows = await parquetReadObjects({ file, columns: ["question", "subject", "choices", "answer"] });
    return rows.map((row) => ({
      question: String(row.question),
      subject: String(row.subject),
      choices: Array.isArray(row.choices) ? row.choices.map(String) : [],
      answer: Number(row.answer),
    }));
  }
  return readMmluJsonl({ file: source });
}

async function readMmluJsonl({ file }: { file: string }): Promise<MmluRow[]> {
  const subjectOfFile = path.basename(file, ".jsonl");
  return (await readJsonl(file)).map(({ value }) => {
    const row = value as { id?: unknown; question?: unknown; prompt?: unknown; subject?: unknown; choices?: unknown; answer?: unknown };
    const choices = Array.isArray(row.choices) ? row.choices.map(String) : [];
    // RouteLLM's prompt is the question followed by its choices block; the question alone comes before "\nA. ".
    const question = typeof row.question === "string" ? row.question : typeof row.prompt === "string" ? row.prompt.split(/\nA\. /)[0]! : "";
    return {
      question,
      subject: typeof row.subject === "string" ? row.subject : subjectOfFile,
      choices,
      answer: typeof row.answer === "number" || typeof row.answer === "string" ? row.answer : -1,
      ...(row.id !== undefined ? { id: String(row.id) } : {}),
    };
  });
}

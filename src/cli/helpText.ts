import { EXIT } from "./exitCodes.js";
import { modelProviders } from "../models/providers/registry.js";

/** An environment variable the CLI reads, and what it sets. */
export interface EnvironmentVariable {
  name: string;
  meaning: string;
}

/**
 * Every environment variable the `moa` CLI itself reads (a test checks each is read in src/), in the
 * order a new user meets them. `MOA_API_KEY_<NAME>` stands for a family of names.
 */
export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: "OLLAMA_HOST", meaning: "Ollama server (default 127.0.0.1:11434); OLLAMA_BASE_URL if unset" },
  { name: "OLLAMA_BASE_URL", meaning: "Ollama server, when OLLAMA_HOST is not set" },
  { name: "OPENAI_BASE_URL", meaning: "OpenAI-compatible server for openai:<name> without @<baseUrl>" },
  { name: "OPENAI_API_KEY", meaning: "API key for that server" },
  { name: "MOA_API_KEY_<NAME>", meaning: "API keys a config names with apiKeyEnv" },
  { name: "MOA_ALLOWED_KEY_ENV", meaning: "other variable names a config may take API keys from" },
  { name: "MOA_HOME", meaning: "folder of the run database (default: $XDG_DATA_HOME/langgraph-moa)" },
  { name: "MOA_DB", meaning: "SQLite file for runs (as --db)" },
  { name: "MOA_CHECKPOINTER", meaning: "postgres:// URL to persist runs in PostgreSQL (as --checkpointer)" },
  { name: "MOA_API_KEYS", meaning: "comma-separated keys moa serve accepts as Bearer tokens" },
  { name: "MOA_THREAD_WAIT", meaning: "seconds to wait for a thread another run holds" },
  { name: "MOA_MODELS_DIR", meaning: "GGUF cache folder (default: $XDG_CACHE_HOME/langgraph-moa/models)" },
  { name: "HF_TOKEN", meaning: "Hugging Face token for gated or private hf: models" },
  { name: "HF_ENDPOINT", meaning: "Hugging Face mirror to download hf: models from" },
  { name: "MOA_DOWNLOAD_STALL_SECONDS", meaning: "seconds without data before a download is retried" },
  { name: "MOA_LLAMACPP_GPU", meaning: "auto, cuda, vulkan or metal: run GGUF models on a GPU" },
  { name: "MOA_LLAMACPP_MEMORY_LIMIT", meaning: "memory in-process models may use (2GB, 512MB, off)" },
  { name: "MOA_LLAMACPP_MAX_MODELS", meaning: "in-process models kept loaded at once (default 4)" },
  { name: "MOA_TRACE_FLUSH_MS", meaning: "milliseconds to wait for LangSmith traces to be sent at exit (5000)" },
  { name: "LANGSMITH_ENDPOINT", meaning: "LangSmith API address (LANGCHAIN_ENDPOINT also read)" },
  { name: "LANGCHAIN_ENDPOINT", meaning: "the older name of LANGSMITH_ENDPOINT" },
  { name: "NO_COLOR", meaning: "set: no colours in the summary table" },
  { name: "MOA_DEBUG", meaning: "1: print the stack trace of an unexpected error" },
];

/** Variables LangChain reads for the CLI (not read in this package's code). */
export const LANGCHAIN_ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: "LANGSMITH_TRACING", meaning: "true: trace runs to LangSmith (with LANGSMITH_API_KEY)" },
  { name: "LANGSMITH_API_KEY", meaning: "LangSmith API key" },
];

const EXIT_LINES: ReadonlyArray<readonly [number, string]> = [
  [EXIT.ok, "answered"],
  [EXIT.runFailed, "the run failed (a whole layer, the aggregator, a router or an expert)"],
  [EXIT.usage, "bad command line, configuration, model reference or thread"],
  [EXIT.environment, "a backend, model file, memory or the run database is not usable"],
  [EXIT.interrupted, "interrupted (Ctrl-C)"],
  [EXIT.outputClosed, "stdout was closed (moa run ... | head -1)"],
];

function section(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return `\n${title}:\n${rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n")}\n`;
}

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join("\n")}\n`;
}

/** Model reference forms, from the registered providers (`ollama:<name>[@<baseUrl>]`, ...). */
export function modelReferenceHelp(): string {
  return section(
    "Model references (in topology files)",
    modelProviders()
      .flatMap((p) => p.syntax)
      .map((form) => [form, ""] as const),
  ).replace(/ +$/gm, "");
}

/** After `moa --help`: examples, model references, environment and exit codes. */
export function programHelp(): string {
  return (
    examples([
      'moa run "Why is the sky blue?"              # preset moa-lite, Ollama or in-process llama.cpp',
      'moa run --preset coe --show-layers "..."    # see `moa presets`',
      'moa run --config team.yaml --json "..."     # a topology file; one JSON document',
      'moa run --thread t1 "And at sunset?"        # continue a conversation',
      "moa threads && moa show t1 && moa resume t1",
      "moa models pull --preset moa-lite           # download a preset's GGUF models now",
    ]) +
    modelReferenceHelp() +
    environmentHelp() +
    exitCodeHelp()
  );
}

/** The environment variables, the CLI's own and LangChain's. */
export function environmentHelp(): string {
  return (
    section(
      "Environment",
      ENVIRONMENT.map((v) => [v.name, v.meaning]),
    ) +
    section(
      "Read by LangChain",
      LANGCHAIN_ENVIRONMENT.map((v) => [v.name, v.meaning]),
    )
  );
}

/** The exit codes (see the README for the error codes behind each). */
export function exitCodeHelp(): string {
  return section(
    "Exit codes",
    EXIT_LINES.map(([code, meaning]) => [String(code), meaning]),
  );
}

/** After `moa run --help`. */
export function runHelp(): string {
  return (
    examples([
      'moa run "Why is the sky blue?"                  # moa-lite: 3 proposers -> final aggregator',
      'moa run --topology self-moa "..."               # a kind runs its default preset',
      'moa run --preset moa-deep --backend llamacpp "..."',
      'echo "Why?" | moa run -                         # the question from stdin',
      'moa run --thread t1 --switch-topology --preset coe "..."',
    ]) +
    modelReferenceHelp() +
    environmentHelp() +
    exitCodeHelp()
  );
}

/** After `moa models --help`. */
export function modelsHelp(): string {
  return examples([
    "moa models                          # the cached GGUF files: size, verified or partial",
    "moa models pull --preset moa-deep   # download a preset's in-process models now",
    "moa models pull --backend ollama    # pull a preset's Ollama models",
    "moa models rm smollm2               # delete cached files whose name contains smollm2",
  ]);
}

/** After `moa profile --help`. */
export function profileHelp(): string {
  return (
    examples([
      "moa profile --workload workload.yaml                      # every expert on the first worker with an endpoint",
      "moa profile -w workload.yaml --worker gpu-2 --runs 3      # 3 rounds of the prompts on gpu-2",
      "moa profile -w workload.yaml --prompts prompts.jsonl --out profiled.yaml",
      "moa profile -w workload.yaml --expert coder --json        # one expert, one JSON document",
    ]) +
    "\nOllama reports load, prompt and generation times; on an OpenAI-compatible server the load time is an\n" +
    "estimate (the first call's extra time to first token). --out sets the measured worker's entry of a\n" +
    "per-worker loadSeconds map; a single number becomes a map when the workload has other workers.\n" +
    section("Exit codes", [
      [String(EXIT.ok), "measured"],
      [String(EXIT.runFailed), "a server answered in a way that cannot be measured (not JSON, no timings, no usage)"],
      [String(EXIT.usage), "bad command line or workload, or a worker without endpoint (named by its field path)"],
      [String(EXIT.environment), "a server cannot be reached, does not answer in time, or lacks the model"],
      [String(EXIT.interrupted), "interrupted (Ctrl-C)"],
    ])
  );
}

/** After the help of the thread commands (`threads`, `show`, `resume`). */
export function threadsHelp(): string {
  return examples(["moa threads", "moa show <thread> --json", "moa resume <thread>"]);
}

/** After `moa threads --help`: the options of the listing (its default subcommand), and examples. */
export function threadsListHelp(): string {
  return [
    "",
    "Listing options (moa threads [list]):",
    "  --json                 print one JSON document",
    "  --db <file>            SQLite file for runs (default: MOA_DB, else runs.sqlite in the data folder)",
    "  --checkpointer <url>   PostgreSQL connection string (or MOA_CHECKPOINTER)",
    examples(["moa threads", "moa threads --json --db runs.sqlite", "moa threads rm <thread>"]),
  ].join("\n");
}

/** After `moa serve --help`: what is served where, and examples. */
export function serveHelp(): string {
  return [
    "",
    "Each topology is a model: a preset under its name, a file under its name without the extension. Clients",
    "use http://<host>:<port>/v1 as their OpenAI base URL; the web page is at /. Every run is checkpointed and",
    "its thread named in the X-MoA-Thread response header; send that header to continue the conversation.",
    examples([
      "moa serve                                   # moa-lite on http://127.0.0.1:8080",
      "moa serve moa-lite ./topologies --port 9000 # a preset and a folder of topology files",
      "MOA_API_KEYS=$(openssl rand -hex 24) moa serve --host 0.0.0.0",
      "moa serve team.yaml --checkpointer postgres://db/moa   # several servers sharing threads",
    ]),
  ].join("\n");
}

/** After `moa schedule --help`: examples and what the workload holds. */
export function scheduleHelp(): string {
  return [
    "",
    "The workload file lists workers (capacity, memory, speed), expert profiles (load time, service time,",
    "memory) and the batch of queries with the experts each was routed to (README: Scheduling experts on",
    "workers; JSON Schema: schema/workload.schema.json).",
    examples([
      "moa schedule --workload examples/workload.yaml",
      "moa schedule --workload examples/workload.yaml --scheduler ilp --time-limit 5",
      "moa schedule --workload examples/workload.yaml --json",
    ]),
  ].join("\n");
}

/** After `moa batch --help`: how the batch runs and resumes, and examples. */
export function batchHelp(): string {
  return [
    "",
    "Each query's experts answer on the workers the schedule chose, in each worker's planned order; the",
    "confidence gate (aggregator.gate in the workload) decides whether its aggregator runs. The schedule is",
    "saved as <out>.schedule.json; running the same command again skips the queries already answered.",
    examples([
      "moa profile --workload workload.yaml --out workload.yaml",
      "moa batch --workload workload.yaml --out results.jsonl",
      "moa batch --workload workload.yaml --out results.jsonl --scheduler lpt --json",
    ]),
  ].join("\n");
}

/** `moa eval --help`: what each benchmark is scored by, where data comes from, and resuming. */
export function evalHelp(): string {
  return [
    "",
    "Scoring: gsm8k and mmlu by exact match; mt-bench by the judge's 1-10 rating per turn (against reference",
    "answers for math, reasoning and coding); arena-hard (Bradley-Terry score with a 95% interval) and",
    "alpaca-eval (win rate and length-controlled win rate) by pairwise games against the baseline, in both",
    "orders. The judge's calls are reported apart from the topology's.",
    "",
    "Data: --data is the benchmark's file or a folder laid out like the shared datasets; without it the",
    "canonical files are downloaded once into the user cache (MOA_DATASETS_DIR; MOA_DATASETS_MIRROR for a mirror).",
    "",
    "Answers are stored per (topology, item): running the same command again goes on where it stopped, and",
    "another eval of the same topology reuses them. The report folder gets summary.json, results.jsonl,",
    "report.md and report.html. With LANGSMITH_API_KEY set, the eval is also uploaded as a LangSmith experiment.",
    examples([
      "moa eval --bench gsm8k --topology moa-lite --limit 50",
      "moa eval --bench mt-bench --topology my-moa.yaml --judge ollama:qwen2.5:14b --out runs/mt-moa",
      "moa eval --bench arena-hard --topology moa-lite --baseline ollama:qwen2.5:7b --judge ollama:qwen2.5:14b",
      "moa eval compare runs/mt-moa runs/mt-single --out runs/compare",
      "moa eval replay --data ../shared/datasets/routellm --out runs/replay",
    ]),
  ].join("\n");
}

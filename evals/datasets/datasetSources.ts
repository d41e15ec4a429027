import type { BenchmarkName } from "../types.js";

/** One file of a benchmark: where it sits in a folder laid out like the shared datasets, and where it is published. */
export interface DatasetFile {
  /** Path inside a datasets folder (and inside the download cache). */
  path: string;
  /** The canonical public copy, pinned to a commit where the host allows it. */
  url: string;
  /** Without it the benchmark still runs (e.g. MT-Bench's reference answers). */
  optional?: boolean;
}

/** Where each benchmark's files come from, and the license a user is told about before a download. */
export interface DatasetSource {
  files: DatasetFile[];
  license: string;
}

const FASTCHAT = "https://raw.githubusercontent.com/lm-sys/FastChat/0e6d3e4beaab66f4d3f93db72541a4abab8af28d/fastchat/llm_judge/data";
const ARENA_HARD = "https://raw.githubusercontent.com/lm-sys/arena-hard-auto/efc012e192b88024a5203f5a28ec8fc0342946df/data/arena-hard-v0.1";
const ALPACA_EVAL = "https://raw.githubusercontent.com/tatsu-lab/alpaca_eval/cd543a149df89434d8a54582c0151c0b945c3d20";
const GSM8K = "https://raw.githubusercontent.com/openai/grade-school-math/3101c7d5072418e28b9008a6636bde82a006892c/grade_school_math/data";

/**
 * The canonical public files of every benchmark. Nothing here is shipped: `moa eval` downloads them on
 * first use into the user's cache (AlpacaEval's instructions are CC BY-NC and may only be fetched at run time).
 */
export const DATASET_SOURCES: Record<BenchmarkName, DatasetSource> = {
  "mt-bench": {
    files: [
      { path: "mt_bench/question.jsonl", url: `${FASTCHAT}/mt_bench/question.jsonl` },
      { path: "mt_bench/reference_answer_gpt-4.jsonl", url: `${FASTCHAT}/mt_bench/reference_answer/gpt-4.jsonl`, optional: true },
    ],
    license: "Apache-2.0 (lm-sys/FastChat)",
  },
  "arena-hard": {
    files: [
      { path: "arena_hard_v0.1/question.jsonl", url: `${ARENA_HARD}/question.jsonl` },
      { path: "arena_hard_v0.1/model_answer_gpt-4-0314.jsonl", url: `${ARENA_HARD}/model_answer/gpt-4-0314.jsonl` },
    ],
    license: "Apache-2.0 (lm-sys/arena-hard-auto)",
  },
  "alpaca-eval": {
    files: [{ path: "alpaca_eval/model_outputs.json", url: `${ALPACA_EVAL}/results/gpt4_1106_preview/model_outputs.json` }],
    license: "CC BY-NC 4.0 (tatsu-lab/alpaca_eval): for non-commercial use; it is downloaded, never shipped",
  },
  gsm8k: {
    files: [{ path: "gsm8k/test.jsonl", url: `${GSM8K}/test.jsonl` }],
    license: "MIT (openai/grade-school-math)",
  },
  mmlu: {
    files: [{ path: "mmlu/test.parquet", url: "https://huggingface.co/datasets/cais/mmlu/resolve/main/all/test-00000-of-00001.parquet" }],
    license: "MIT (hendrycks/test, as cais/mmlu on Hugging Face)",
  },
};

/** Ollama names shared by the presets: three small proposers from three families, and the strongest of the set. */
export const SMALL_PROPOSERS = ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"];
export const AGGREGATOR = "ollama:qwen2.5:3b";

/**
 * Small instruction-tuned GGUF models for the in-process backend, from their publishers' or
 * well-known quantisers' Hugging Face repositories. Checksums are not pinned: the download
 * verifies the SHA-256 Hugging Face publishes for each file.
 */
export const GGUF_MODELS = {
  qwen05: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
  smol360: "hf:bartowski/SmolLM2-360M-Instruct-GGUF/SmolLM2-360M-Instruct-Q8_0.gguf",
  llama1b: "hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
  qwen15: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
  qwenCoder15: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
} as const;

export const GGUF_PROPOSERS = [
  { name: "qwen2.5-0.5b", model: GGUF_MODELS.qwen05, activeParams: "0.5B" },
  { name: "smollm2-360m", model: GGUF_MODELS.smol360, activeParams: "0.36B" },
  { name: "llama3.2-1b", model: GGUF_MODELS.llama1b, activeParams: "1.2B" },
];
export const GGUF_AGGREGATOR = { name: "aggregator", model: GGUF_MODELS.qwen15, activeParams: "1.5B" };

import type { Preset } from "../types.js";
import { GGUF_MODELS } from "../presetModels.js";

/** Composition-of-Experts presets: a router sends each question to a specialist. */
export const COE_PRESETS: readonly Preset[] = [
  {
    name: "coe",
    kind: "coe",
    description:
      "CoE: qwen2.5:1.5b routes to math (qwen2.5-math:1.5b), code (qwen2.5-coder:1.5b) or general (llama3.2:3b, also the fallback)",
    config: {
      topology: "coe",
      name: "coe",
      defaults: { temperature: 0.3, maxTokens: 768 },
      categories: ["math", "code", "general"],
      router: {
        type: "llm",
        model: "ollama:qwen2.5:1.5b",
        threshold: 0.5,
        descriptions: {
          math: "arithmetic, word problems, algebra, proofs",
          code: "programming, debugging, software",
          general: "everything else",
        },
      },
      experts: {
        math: { model: "ollama:qwen2.5-math:1.5b", activeParams: "1.5B" },
        code: { model: "ollama:qwen2.5-coder:1.5b", activeParams: "1.5B" },
        general: { model: "ollama:llama3.2:3b", activeParams: "3.2B" },
      },
      fallback: { model: "ollama:llama3.2:3b", activeParams: "3.2B" },
    },
    ggufDescription:
      "CoE on GGUF models: keyword rules route to math (Qwen2.5-1.5B), code (Qwen2.5-Coder-1.5B) or general (Llama-3.2-1B, also the fallback)",
    gguf: {
      topology: "coe",
      name: "coe",
      defaults: { temperature: 0.3, maxTokens: 512 },
      categories: ["math", "code", "general"],
      // A 0.5B classifier is unreliable at structured output; rules cost nothing and are predictable.
      router: {
        type: "rules",
        rules: [
          { category: "code", keywords: ["code", "function", "python", "javascript", "typescript", "bug", "compile", "program"] },
          {
            category: "math",
            keywords: ["calculate", "solve", "equation", "sum", "product", "percent", "how many", "integral"],
            patterns: ["\\d+\\s*[-+*/^]\\s*\\d+"],
          },
        ],
      },
      experts: {
        math: { name: "math", model: GGUF_MODELS.qwen15, activeParams: "1.5B" },
        code: { name: "code", model: GGUF_MODELS.qwenCoder15, activeParams: "1.5B" },
        general: { name: "general", model: GGUF_MODELS.llama1b, activeParams: "1.2B" },
      },
      fallback: { name: "general", model: GGUF_MODELS.llama1b, activeParams: "1.2B" },
    },
  },
];

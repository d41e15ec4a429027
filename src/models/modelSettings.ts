import { z } from "zod";
import { ConfigError } from "../errors/ConfigError.js";
import { apiKeyEnvProblem } from "./apiKeyEnvProblem.js";

/** One day in milliseconds: the longest timeout or deadline a config may set. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Sampling and transport settings shared by global defaults, layer defaults and agents. */
export const ModelSettingsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional().describe("Sampling temperature, 0 to 2"),
  maxTokens: z.number().int().min(1).max(1_000_000).optional().describe("Maximum tokens to generate"),
  topP: z.number().gt(0).max(1).optional().describe("Nucleus sampling probability mass, (0, 1]"),
  topK: z.number().int().min(1).max(100_000).optional().describe("Sample from the k most likely tokens"),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional()
    .describe("Random seed for reproducible sampling"),
  stop: z
    .array(z.string().min(1, "expected a non-empty stop sequence"))
    .max(16, "expected at most 16 stop sequences")
    .optional()
    .describe("Stop sequences"),
  contextWindow: z
    .number()
    .int()
    .min(256)
    .max(10_000_000)
    .optional()
    .describe("Context window in tokens (Ollama num_ctx, llama.cpp context size)"),
  timeoutMs: z.number().int().min(1).max(DAY_MS).optional().describe("Per-call timeout in milliseconds"),
  retries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe("Retries of a call that failed transiently (connection refused/reset, HTTP 5xx, 408, 429); default 1"),
  retryBackoffMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .optional()
    .describe(
      "Wait before the first retry in milliseconds, doubled on each retry (with jitter, at most 10 s); a 429's Retry-After wins; default 500",
    ),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional()
    .describe("Server base URL for ollama: and openai: models"),
  apiKey: z.string().min(1).optional().describe("API key for openai: models (prefer apiKeyEnv)"),
  activeParams: z
    .union([
      z.number().positive(),
      z
        .string()
        .regex(/^\d+(\.\d+)?\s*[KMBT]$/i, 'expected a count such as 7000000000, "7B", "1.5B" or "360M"')
        .transform(parseParamCount),
    ])
    .optional()
    .describe("Parameters active per token (for cost accounting); read from GGUF metadata for llamacpp: models"),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name")
    // Read from the environment at validation: the user's allow-list is not the config's to set.
    .superRefine((name, context) => {
      const problem = apiKeyEnvProblem(name);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .optional()
    .describe(
      "Name of the environment variable holding the API key for openai: models: MOA_API_KEY_<name>, or a variable listed in MOA_ALLOWED_KEY_ENV",
    ),
});

/** Model settings as written (every field optional). */
export type ModelSettings = z.output<typeof ModelSettingsSchema>;

/** Defaults applied when neither the agent, its layer nor the global defaults set a value. */
export const BUILTIN_SETTINGS = {
  temperature: 0.7,
  maxTokens: 1024,
  timeoutMs: 300_000,
  retries: 1,
  retryBackoffMs: 500,
} as const satisfies ModelSettings;

/** An agent's settings once every default is applied. */
export type ResolvedModelSettings = ModelSettings & { [K in keyof typeof BUILTIN_SETTINGS]: number };

const PARAM_UNITS: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/** "1.5B" -> 1_500_000_000. */
export function parseParamCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMBT])$/i.exec(text.trim());
  if (!match?.[1] || !match[2])
    throw new ConfigError([
      { path: "activeParams", message: `expected a count such as 7000000000, "7B", "1.5B" or "360M", got "${text}"` },
    ]);
  return Number(match[1]) * (PARAM_UNITS[match[2].toUpperCase()] ?? 1);
}

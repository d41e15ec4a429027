/** What one measured call took, in seconds. */
export interface CallTiming {
  /** Seconds spent loading the model before this call (Ollama's `load_duration`); undefined when the server does not say. */
  loadSeconds: number | undefined;
  /** Seconds before the first output token: prompt evaluation (Ollama) or time to first token (OpenAI). */
  prefillSeconds: number;
  /** Seconds spent generating the output tokens. */
  generateSeconds: number;
  /** Output tokens the server reported. */
  outputTokens: number;
  /** Prompt tokens the server reported, when it did. */
  promptTokens: number | undefined;
}

/** The measured profile of one expert on one worker, in the workload's units. */
export interface MeasuredProfile {
  loadSeconds: number;
  /** `true` when load time is derived from a slower first call rather than reported by the server. */
  loadEstimated: boolean;
  service: {
    prefillSeconds: number;
    secondsPerOutputToken: number;
    outputTokens: { mean: number; sd: number };
  };
  /** How many calls the numbers come from, and their spread. */
  calls: number;
  prefillSd: number;
  promptTokensMean: number | undefined;
}

/** Options every per-protocol profiler takes. */
export interface ProfileCallsOptions {
  /** Server base URL, e.g. `http://gpu-1:11434`. */
  baseUrl: string;
  model: string;
  prompts: readonly string[];
  /** Times each prompt is sent. */
  runs: number;
  /** Cap on generated tokens per call. */
  maxTokens: number;
  /** Limit on one call, milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Called after each measured call (progress). */
  onCall?: ((done: number, total: number) => void) | undefined;
}

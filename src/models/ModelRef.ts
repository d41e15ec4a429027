/**
 * A parsed model reference such as `ollama:qwen2.5:1.5b`: which provider serves the model, and the
 * provider's own reading of the rest. Only the provider interprets `model`, `baseUrl` and `source`.
 */
export interface ModelRef {
  /** The registered name of the provider that serves the model (`ollama`, `openai`, `llamacpp`, ...). */
  readonly provider: string;
  /** The model's name on its server, or, for providers that run files, the file's path. */
  readonly model: string;
  /** A server address written in the reference (`ollama:llama3.2@http://gpu-box:11434`). */
  readonly baseUrl?: string;
  /** Where the file is downloaded from on first use (an `hf:` URI), for providers that run files. */
  readonly source?: string;
}

/**
 * Whether a config's model is a parsed reference (rather than a chat model instance given in code).
 *
 * @example
 * if (isModelRef(agent.model)) console.log(agent.model.provider);
 */
export function isModelRef(value: unknown): value is ModelRef {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { provider?: unknown }).provider === "string" &&
    typeof (value as { model?: unknown }).model === "string"
  );
}

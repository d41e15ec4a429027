import { readJsonl } from "./readJsonl.js";
import { ConfigError } from "../../errors/ConfigError.js";

/** One recorded model output. */
export interface ReplayRecord {
  response: string;
  /** How long the recorded call took; waited out when `simulateLatency` is on. */
  latencyMs?: number;
}

/** Which fields of each JSONL line hold the prompt, response and latency. */
export interface ReplayJsonlFields {
  /**
   * Whose response to take when the response field is an object keyed by model name
   * (`{"gpt-4-1106-preview": "...", "mistralai/Mixtral-8x7B-Instruct-v0.1": "..."}`).
   */
  model?: string;
  /** Default `"prompt"`. */
  promptField?: string;
  /** A string, or an object of strings keyed by model name. Default `"response"`. */
  responseField?: string;
  /** Milliseconds the recorded call took; optional on every line. Default `"latencyMs"`. */
  latencyField?: string;
}

/**
 * Reads recordings from a JSONL file as `[prompt, record]` entries, prompts trimmed (as the default
 * replay key is). Every problem names the file and line.
 *
 * @example
 * const entries = await replayRecordsFromJsonl("gsm8k_responses.jsonl", { promptField: "question", model: "gpt-4-1106-preview" });
 */
export async function replayRecordsFromJsonl(
  path: string,
  { model, promptField = "prompt", responseField = "response", latencyField = "latencyMs" }: ReplayJsonlFields = {},
): Promise<Array<[string, ReplayRecord]>> {
  const lines = await readJsonl(path);
  return lines.map(({ line, value }) => {
    const where = { file: path, line };
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(where, "expected a JSON object");
    const row = value as Record<string, unknown>;
    const prompt = row[promptField];
    if (typeof prompt !== "string") throw bad(where, `field "${promptField}" must be a string`);
    const record: ReplayRecord = { response: pickResponse(row[responseField], responseField, model, where) };
    const latency = row[latencyField];
    if (latency !== undefined) {
      if (typeof latency !== "number" || !(latency >= 0)) throw bad(where, `field "${latencyField}" must be a number of ms`);
      record.latencyMs = latency;
    }
    return [prompt.trim(), record];
  });
}

interface Where {
  file: string;
  line: number;
}

function bad({ file, line }: Where, message: string): ConfigError {
  return new ConfigError([{ path: `line ${line}`, message }], file);
}

function pickResponse(value: unknown, field: string, model: string | undefined, where: Where): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad(where, `field "${field}" must be a string or an object keyed by model name`);
  }
  const byModel = value as Record<string, unknown>;
  const models = Object.keys(byModel)
    .map((name) => JSON.stringify(name))
    .join(", ");
  if (model === undefined) throw bad(where, `field "${field}" holds one response per model; pick one with \`model\` (${models})`);
  const response = byModel[model];
  if (typeof response !== "string") throw bad(where, `no string response for model "${model}" in "${field}" (has ${models})`);
  return response;
}

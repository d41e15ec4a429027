import { readFile } from "node:fs/promises";
import { ConfigError } from "../../errors/ConfigError.js";

/** One parsed line of a JSONL file, with its 1-based line number for error messages. */
export interface JsonlLine {
  line: number;
  value: unknown;
}

/**
 * Reads a JSONL file: one JSON value per line, blank lines skipped. Splits on "\n" only: some
 * shared datasets hold U+0085 or U+2028 inside strings, which other line splitters treat as breaks.
 * A line that is not JSON fails with the file and line number.
 *
 * @example
 * for (const { line, value } of await readJsonl("../shared/datasets/routellm/gsm8k_responses.jsonl")) console.log(line, value);
 */
export async function readJsonl(path: string): Promise<JsonlLine[]> {
  const text = await readFile(path, "utf8");
  const lines: JsonlLine[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      lines.push({ line: i + 1, value: JSON.parse(raw) as unknown });
    } catch (error) {
      throw new ConfigError([{ path: `line ${i + 1}`, message: `not valid JSON (${(error as Error).message})` }], path);
    }
  });
  return lines;
}

import { readTextFile } from "../../config/readTextFile.js";
import { ConfigError } from "../../errors/ConfigError.js";

/** The most prompts a file may give (each one is sent `runs` times to every expert). */
export const MAX_PROMPTS = 1000;

/**
 * Reads sample prompts: a text file with one prompt per line, or JSONL with `{"prompt": "..."}` on
 * each line (a file whose first non-blank line starts with `{` is read as JSONL). Blank lines are
 * skipped.
 *
 * @example
 * readPrompts({ file: "prompts.txt" }); // ["Why is the sky blue?", "Write a haiku"]
 */
export function readPrompts({ file }: { file: string }): string[] {
  const text = readTextFile({ file, what: "prompts file" });
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== "");
  const jsonl = lines[0]?.line.startsWith("{") === true;
  const prompts = lines.map(({ line, number }) => {
    if (!jsonl) return line;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ConfigError(
        [{ path: `line ${number}`, message: 'not JSON; a JSONL prompts file has {"prompt": "..."} on every line' }],
        file,
      );
    }
    const prompt = (value as { prompt?: unknown } | null)?.prompt;
    if (typeof prompt !== "string" || prompt.trim() === "")
      throw new ConfigError([{ path: `line ${number}.prompt`, message: "expected a non-empty string" }], file);
    return prompt;
  });
  if (prompts.length === 0) throw new ConfigError([{ path: "", message: "no prompts: the file is empty" }], file);
  if (prompts.length > MAX_PROMPTS)
    throw new ConfigError([{ path: "", message: `${prompts.length} prompts; at most ${MAX_PROMPTS} (a few dozen measure well)` }], file);
  return prompts;
}

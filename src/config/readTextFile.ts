import { readFileSync } from "node:fs";
import { ConfigError } from "../errors/ConfigError.js";

/**
 * A file's text, or a config error saying in words why it cannot be read (`<what> <file>: file not found`).
 * A UTF-8 byte-order mark (editors on Windows write one) is dropped.
 *
 * @example
 * readTextFile({ file: "prompts.txt", what: "prompts file" });
 */
export function readTextFile({ file, what }: { file: string; what: string }): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "file not found"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a directory, expected a file"
            : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError([{ path: "", message: `${what} ${file}: ${reason}` }]);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

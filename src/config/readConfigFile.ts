import { readFileSync } from "node:fs";
import YAML from "yaml";
import { ConfigError } from "../errors/ConfigError.js";

/**
 * Reads a YAML or JSON file into a plain object, with errors that name the file and position.
 *
 * @example
 * const raw = readConfigFile("examples/moa.yaml"); // { layers: [...], aggregator: ... }
 */
export function readConfigFile(file: string): Record<string, unknown> {
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
    throw new ConfigError([{ path: "", message: `config file ${file}: ${reason}` }]);
  }
  const isJson = /\.json$/i.test(file);
  // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse rejects as a stray token.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let document: unknown;
  try {
    document = isJson ? parseJson(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      [{ path: "", message: `${isJson ? "JSON" : "YAML"} syntax error: ${(error as Error).message.split("\n")[0]!.replace(/:$/, "")}` }],
      file,
    );
  }
  if (document === null || document === undefined) {
    throw new ConfigError([{ path: "", message: 'the file is empty; expected a mapping with "layers" and "aggregator"' }], file);
  }
  if (typeof document !== "object" || Array.isArray(document)) {
    const kind = Array.isArray(document) ? "a list" : `a ${typeof document}`;
    throw new ConfigError([{ path: "", message: `expected a mapping with "layers" and "aggregator" at the top level, got ${kind}` }], file);
  }
  return document as Record<string, unknown>;
}

function parseYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) throw new Error(first.message);
  return doc.toJS();
}

// JSON.parse keeps the last of two equal keys without a word, so `"aggregator"` written twice would
// silently drop one. JSON is YAML, so the YAML parser (which refuses duplicate keys) finds them.
function parseJson(text: string): unknown {
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(jsonSyntaxMessage(text, (error as Error).message), { cause: error });
  }
  const duplicate = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true }).errors.find((e) => e.code === "DUPLICATE_KEY");
  if (duplicate) throw new Error(duplicate.message);
  return document;
}

// JSON.parse names a character offset (Node 20) or nothing at all ("Unexpected end of JSON input"); an editor
// wants a line and column, counted from 1.
function jsonSyntaxMessage(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Math.min(Number(position[1]), text.length) : text.length;
  const before = text.slice(0, offset).split("\n");
  const line = before.length;
  const column = before.at(-1)!.length + 1;
  const what = message
    .replace(/\s*\(line \d+ column \d+\)/, "")
    .replace(/ in JSON at position \d+/, "")
    .replace(/ at position \d+/, "");
  return `${what} at line ${line}, column ${column}`;
}

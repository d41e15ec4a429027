import YAML from "yaml";
import { ConfigError } from "../errors/ConfigError.js";
import { readTextFile } from "./readTextFile.js";

/**
 * Reads a YAML or JSON file into a plain object, with errors that name the file and position.
 *
 * @example
 * const raw = readConfigFile("examples/moa.yaml"); // { layers: [...], aggregator: ... }
 */
export function readConfigFile(
  file: string,
  {
    expected = 'a mapping with "layers" and "aggregator"',
    what = "config file",
  }: {
    /** What the top level should be, for errors. */
    expected?: string;
    /** What the file is, for errors. */
    what?: string;
  } = {},
): Record<string, unknown> {
  const text = readTextFile({ file, what });
  const isJson = /\.json$/i.test(file);
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
    throw new ConfigError([{ path: "", message: `the file is empty; expected ${expected}` }], file);
  }
  if (typeof document !== "object" || Array.isArray(document)) {
    const kind = Array.isArray(document) ? "a list" : `a ${typeof document}`;
    throw new ConfigError([{ path: "", message: `expected ${expected} at the top level, got ${kind}` }], file);
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

// JSON.parse names a character offset ("... in JSON at position 27"), quotes the text around an unexpected token
// (up to 10 characters either side, "..." marking a cut), or says nothing ("Unexpected end of JSON input": the
// end). An editor wants a line and column, counted from 1; when the offset cannot be known, none is given.
function jsonSyntaxMessage(text: string, message: string): string {
  const offset = jsonErrorOffset(text, message);
  const what = message
    .replace(/\s*\(line \d+ column \d+\)/, "")
    .replace(/ in JSON at position \d+/, "")
    .replace(/ at position \d+/, "");
  if (offset === undefined) return what;
  const before = text.slice(0, offset).split("\n");
  return `${what} at line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

const CONTEXT_CHARS = 10;

function jsonErrorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Math.min(Number(position[1]), text.length);
  if (/^Unexpected end of JSON input/.test(message)) return text.length;
  const quoted = /^Unexpected token .+?, (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!quoted) return undefined;
  const [, cutBefore, context = "", cutAfter] = quoted;
  const start = text.indexOf(context);
  // A context found twice, or the whole text quoted (the token could be anywhere in it), does not say where.
  if (start < 0 || text.indexOf(context, start + 1) >= 0) return undefined;
  if (cutBefore) return start + CONTEXT_CHARS;
  if (cutAfter) return start + context.length - CONTEXT_CHARS;
  return undefined;
}

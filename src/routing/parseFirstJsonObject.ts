/**
 * Finds the first JSON object in free text: small models wrap their JSON in prose or code fences,
 * put comments around it, or write a broken object before a good one. Scans each `{`, finds its
 * matching `}` (skipping braces inside strings) and returns the first span that parses as an object.
 *
 * @returns the parsed object, or `undefined` when the text holds none.
 * @example
 * parseFirstJsonObject('Sure! ```json\n{"category": "billing", "confidence": 0.8}\n```'); // { category: "billing", confidence: 0.8 }
 */
export function parseFirstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    const end = matchingBrace(text, start);
    if (end === -1) continue;
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not JSON (e.g. "{billing}" in prose); try the next brace.
    }
  }
  return undefined;
}

/** Index of the `}` closing the `{` at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

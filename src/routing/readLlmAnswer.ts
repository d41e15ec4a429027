import type { RouteDecision } from "./types.js";

/** How an LLM's answer was read: a decision, or why the answer had no usable shape. */
export type LlmAnswerReading = { ok: true; decision: RouteDecision } | { ok: false; problem: string };

const MAX_REASON = 200;

/**
 * Reads an LLM classifier's answer object (`{category, confidence, reason}`) into a decision, leniently,
 * because small models drift: the category is matched exactly, then ignoring case; `"unknown"` or a
 * category outside the list becomes an unknown decision that says what the model answered; a
 * confidence between 1 and 100 is read as a percentage; a missing or unreadable confidence counts
 * as 0, so a threshold sends the answer to the fallback rather than trusting it.
 *
 * @returns `ok: false` only when the answer is not an object with a string `category`.
 * @example
 * readLlmAnswer({ category: "Billing", confidence: 85 }, ["billing", "tech"]);
 * // { ok: true, decision: { category: "billing", confidence: 0.85, reason: "the model gave no reason" } }
 */
export function readLlmAnswer(answer: unknown, categories: readonly string[]): LlmAnswerReading {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
    return { ok: false, problem: "the answer is not a JSON object" };
  }
  const { category: rawCategory, confidence: rawConfidence, reason: rawReason } = answer as Record<string, unknown>;
  if (typeof rawCategory !== "string") return { ok: false, problem: 'the answer has no string "category"' };
  const said = typeof rawReason === "string" && rawReason.trim() !== "" ? clip(rawReason.trim()) : undefined;
  const name = rawCategory.trim();
  if (name.toLowerCase() === "unknown") {
    return { ok: true, decision: { category: undefined, confidence: 0, reason: `the model answered unknown${said ? `: ${said}` : ""}` } };
  }
  const category = categories.find((c) => c === name) ?? categories.find((c) => c.toLowerCase() === name.toLowerCase());
  if (category === undefined) {
    return {
      ok: true,
      decision: { category: undefined, confidence: 0, reason: `the model answered "${clip(name)}", which is not one of the categories` },
    };
  }
  const confidence = readConfidence(rawConfidence);
  const reason = [said ?? "the model gave no reason", confidence === undefined ? "(no usable confidence, counted as 0)" : undefined]
    .filter(Boolean)
    .join(" ");
  return { ok: true, decision: { category, confidence: confidence ?? 0, reason } };
}

function readConfidence(value: unknown): number | undefined {
  const n =
    typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value.trim().replace(/%$/, "")) : NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n <= 1) return n;
  if (n <= 100) return n / 100;
  return undefined;
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

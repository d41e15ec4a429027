import type { EvalSummary, ItemResult } from "../../../evals/types.js";
import type { ReplayResult } from "../../../evals/replay/types.js";

// HTML elements that never close; everything else (and all of SVG) must.
const VOID_ELEMENTS = new Set(["meta", "link", "br", "hr", "img", "input"]);

const TOKEN =
  /<!--[\s\S]*?-->|<!doctype[^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<]*"|='[^'<]*')?)*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/gi;

/**
 * A small well-formedness check (Node has no DOMParser): every tag opens and closes in order, attribute
 * values are quoted, and no bare `<` or unknown entity `&` is left in text. `html` allows void elements.
 * Throws describing the first fault.
 */
export function assertWellFormed(markup: string, { html = false }: { html?: boolean } = {}): void {
  const open: string[] = [];
  for (const match of markup.matchAll(TOKEN)) {
    const [token, closing, name, , selfClosing] = match;
    if (token === "<") throw new Error(`bare "<" at ${match.index}: ${markup.slice(match.index, match.index + 40)}`);
    if (token.startsWith("&")) throw new Error(`unescaped "&" at ${match.index}: ${markup.slice(match.index, match.index + 40)}`);
    if (name === undefined) continue;
    const tag = html ? name.toLowerCase() : name;
    if (closing) {
      const expected = open.pop();
      if (expected !== tag) throw new Error(`</${tag}> closes <${expected ?? "nothing"}> at ${match.index}`);
    } else if (!selfClosing && !(html && VOID_ELEMENTS.has(tag))) {
      open.push(tag);
    }
  }
  if (open.length > 0) throw new Error(`unclosed: ${open.join(" > ")}`);
}

/** How many opening `<tag ...>` elements carry `class="className"` (any class when not given). */
export function countElements(markup: string, tag: string, className?: string): number {
  const pattern = new RegExp(`<${tag}\\b[^>]*${className ? `class="${className}"` : ""}[^>]*>`, "g");
  return markup.match(pattern)?.length ?? 0;
}

/** An eval summary with plausible values; `overrides` replace whole fields. */
export function makeSummary(overrides: Partial<EvalSummary> = {}): EvalSummary {
  return {
    bench: "gsm8k",
    topology: "moa",
    topologyHash: "abc123",
    items: 100,
    failed: 2,
    quality: { metric: "accuracy", value: 81.5, scored: 100 },
    perCategory: { arithmetic: { items: 60, value: 85 }, algebra: { items: 40, value: 75.5 } },
    cost: {
      callsPerItem: 4,
      inputTokensPerItem: 1200,
      outputTokensPerItem: 800,
      activeParamsPerItem: 28e9,
      latencyMsMean: 2100,
      latencyMsP50: 1800,
      latencyMsP95: 4000,
    },
    createdAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** One item's result matching {@link makeSummary}. */
export function makeItemResult(itemId: string): ItemResult {
  return {
    bench: "gsm8k",
    topology: "moa",
    itemId,
    category: "arithmetic",
    answer: {
      itemId,
      turns: ["42"],
      calls: 4,
      failedCalls: 0,
      inputTokens: 1200,
      outputTokens: 800,
      activeParams: 28e9,
      latencyMs: 1800,
      routes: [],
      gateTurns: 0,
      gateSkips: 0,
    },
    score: { correct: true, extracted: "42" },
  };
}

/** A replay of two routers on GSM8K, with a gate and a calibrated gate. */
export function makeReplayResult(overrides: Partial<ReplayResult> = {}): ReplayResult {
  const curve = (lift: number) => [0.25, 0.5, 0.75].map((share) => ({ strongShare: share, quality: 0.6 + (0.2 + lift) * share }));
  return {
    benchmark: "gsm8k",
    items: 1319,
    strong: { model: "gpt-4-1106-preview", accuracy: 0.8 },
    weak: { model: "mixtral", accuracy: 0.6 },
    routers: [
      { router: "random", points: curve(0), auc: 0.7, apgr: 0.5, strongShareFor: { "20": 0.2, "50": 0.5, "80": 0.8 } },
      { router: "length", points: curve(0.05), auc: 0.72, apgr: 0.6, strongShareFor: { "20": 0.15, "50": 0.4, "80": undefined } },
    ],
    gate: {
      experts: ["a", "b", "c"],
      aggregatorStandIn: "gpt-4-1106-preview",
      alwaysAggregateAccuracy: 0.8,
      extractor: "number",
      thresholds: [
        { threshold: 2, skipped: 900, skipRate: 0.68, accuracy: 0.78, skippedAccuracy: 0.9 },
        { threshold: 3, skipped: 600, skipRate: 0.45, accuracy: 0.79, skippedAccuracy: 0.95 },
      ],
    },
    calibratedGate: {
      tolerance: 0.01,
      calibrationItems: 660,
      heldOutItems: 659,
      threshold: 3,
      extractor: "number",
      calibration: { skipRate: 0.46, accuracy: 0.79, alwaysAggregateAccuracy: 0.8 },
      heldOut: { skipRate: 0.44, accuracy: 0.785, alwaysAggregateAccuracy: 0.8 },
    },
    ...overrides,
  };
}

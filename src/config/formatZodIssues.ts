import type { z } from "zod";
import type { ConfigIssue } from "./ConfigError.js";

type ZodIssue = z.core.$ZodIssue;

/** `["layers", 0, "agents", 1]` becomes `layers[0].agents[1]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Turns zod's issues into ours: a field path and a sentence a user can act on.
 *
 * @example
 * const result = MoAConfigSchema.safeParse(input, { reportInput: true });
 * if (!result.success) formatZodIssues(result.error.issues); // [{ path: "layers[0].agents", message: ... }]
 */
export function formatZodIssues(issues: readonly ZodIssue[], prefix: PropertyKey[] = []): ConfigIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branch = pickUnionBranch(issue.errors);
      if (branch) return formatZodIssues(branch, path);
    }
    return [{ path: formatPath(path), message: humanize(issue) }];
  });
}

// A union such as "model string | agent object" reports every branch's failure. The branch whose
// failures reach deepest into the input is the one the user meant, so only its issues are shown.
function pickUnionBranch(branches: ZodIssue[][]): ZodIssue[] | undefined {
  let best: ZodIssue[] | undefined;
  let bestScore = -1;
  for (const branch of branches) {
    const score = Math.max(...branch.map((issue) => issue.path.length * 10 + (isTypeMismatch(issue) && issue.path.length === 0 ? 0 : 1)));
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  // When every branch failed at the top (the value has the wrong type for all), one summary reads better.
  if (bestScore <= 0) return undefined;
  return best;
}

function isTypeMismatch(issue: ZodIssue): boolean {
  return issue.code === "invalid_type" || (issue.code === "custom" && (issue.params as { typeCheck?: boolean } | undefined)?.typeCheck === true);
}

function humanize(issue: ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_union": {
      // A discriminated union (router.type, extractor.type) names its allowed values.
      const { options } = issue as { options?: unknown[] };
      if (Array.isArray(options) && options.length > 0) {
        const got = (issue as { input?: Record<string, unknown> }).input;
        const key = (issue as { discriminator?: string }).discriminator ?? "type";
        const value = got && typeof got === "object" ? got[key] : undefined;
        return `expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}, got ${describeValue(value)}`;
      }
      return 'expected a model reference string (such as "ollama:qwen2.5:1.5b") or an object with a "model" field';
    }
    case "invalid_type": {
      const received = (issue as { input?: unknown }).input;
      return `expected ${issue.expected}, got ${describeValue(received)}`;
    }
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is required)";
  if (value === null) return "null";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

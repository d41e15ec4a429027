import type { z } from "zod";

type ZodIssue = z.core.$ZodIssue;

/** One problem in a configuration: where it is and what was expected. */
export interface ConfigIssue {
  /** Field path such as `layers[0].agents[1].temperature`; empty for the document itself. */
  path: string;
  message: string;
}

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
  return dropEchoes(collect(issues, prefix));
}

function collect(issues: readonly ZodIssue[], prefix: PropertyKey[]): Array<ConfigIssue & { custom: boolean }> {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branch = pickUnionBranch(issue.errors);
      if (branch) return collect(branch, path);
    }
    return [{ path: formatPath(path), message: humanize(issue), custom: issue.code === "custom" }];
  });
}

// zod runs a field's refinements even when a built-in check of the same value failed, so `model: ""`
// reported both "expected a model reference" and the refinement's "has no provider prefix". The
// built-in check already says what is wrong; a refinement at the same path only echoes it.
function dropEchoes(issues: Array<ConfigIssue & { custom: boolean }>): ConfigIssue[] {
  const builtIn = new Set(issues.filter((issue) => !issue.custom).map((issue) => issue.path));
  return issues.filter((issue) => !issue.custom || !builtIn.has(issue.path)).map(({ path, message }) => ({ path, message }));
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
  return (
    issue.code === "invalid_type" || (issue.code === "custom" && (issue.params as { typeCheck?: boolean } | undefined)?.typeCheck === true)
  );
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
      const received = (issue as { input?: unknown }).input;
      // A union that says what it expects (error: "...") is taken at its word.
      if (issue.message && issue.message !== "Invalid input") return `${issue.message}, got ${describeValue(received)}`;
      return `expected a model reference string (such as "ollama:qwen2.5:1.5b") or an object with a "model" field, got ${describeValue(received)}`;
    }
    case "invalid_type": {
      const received = (issue as { input?: unknown }).input;
      // zod 4 reports Infinity as "not a number" and a fraction for .int() as expected "int".
      if (typeof received === "number" && !Number.isFinite(received) && !Number.isNaN(received))
        return `expected a finite number, got ${describeValue(received)}`;
      const expected = (issue.expected as string) === "int" ? "an integer" : issue.expected;
      return `expected ${expected}, got ${describeValue(received)}`;
    }
    case "invalid_value": {
      // Enums and literals (onFailure, topology); zod's own text ("Invalid option") does not say what was given.
      const received = (issue as { input?: unknown }).input;
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${describeValue(received)}`;
    }
    case "too_small":
    case "too_big":
      return describeBound(issue);
    default:
      return issue.message;
  }
}

// zod's default bound messages ("Too small: expected number to be >=0") omit the value that was
// given; a message set in the schema ("a layer needs at least one agent") is kept as written.
function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  if (!/^Too (small|big)/.test(issue.message)) return issue.message;
  const small = issue.code === "too_small";
  const limit = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  const received = (issue as { input?: unknown }).input;
  const unit = issue.origin === "array" || issue.origin === "set" ? "item" : issue.origin === "string" ? "character" : undefined;
  if (unit) {
    const count =
      Array.isArray(received) || typeof received === "string" ? received.length : received instanceof Set ? received.size : undefined;
    const bound = `${small ? "at least" : "at most"} ${String(limit)} ${unit}${Number(limit) === 1 ? "" : "s"}`;
    return `expected ${bound}${count !== undefined ? `, got ${count}` : ""}`;
  }
  const operator = small ? (inclusive ? ">=" : ">") : inclusive ? "<=" : "<";
  return `expected a number ${operator} ${String(limit)}${received !== undefined ? `, got ${describeValue(received)}` : ""}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is required)";
  if (value === null) return "null";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

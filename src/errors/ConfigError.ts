import type { z } from "zod";
import { formatZodIssues, type ConfigIssue } from "./formatZodIssues.js";

export type { ConfigIssue } from "./formatZodIssues.js";
import { MoAError } from "./MoAError.js";

/** Raised for any invalid configuration; the CLI prints {@link ConfigError.message} and exits 2. */
export class ConfigError extends MoAError {
  readonly issues: ConfigIssue[];
  readonly source: string | undefined;

  constructor(issues: ConfigIssue[], source?: string) {
    super(formatIssues(issues, source), { code: "invalid_config", category: "config" });
    this.name = "ConfigError";
    this.issues = issues;
    this.source = source;
  }

  /** Converts zod's issues into ours, choosing the union branch the input was meant for. */
  static fromZod(error: z.ZodError, source?: string, pathPrefix: readonly PropertyKey[] = []): ConfigError {
    return new ConfigError(formatZodIssues(error.issues, [...pathPrefix]), source);
  }
}

function formatIssues(issues: ConfigIssue[], source?: string): string {
  const where = source ? `invalid configuration in ${source}` : "invalid configuration";
  const describe = (issue: ConfigIssue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  if (issues.length === 1 && issues[0]) return `${where}: ${describe(issues[0])}`;
  return `${where}:\n${issues.map((issue) => `  - ${describe(issue)}`).join("\n")}`;
}

/**
 * What kind of failure an error is. It decides the CLI's exit code and whether a retry can help:
 * - `usage`: the request itself is wrong (command line, graph input, an unknown thread);
 * - `config`: a topology, model reference or setting is invalid;
 * - `environment`: something outside the configuration is missing or down (a backend, a model file,
 *   memory, the run database);
 * - `run`: the run started and could not produce an answer (a layer or the aggregator failed);
 * - `interrupted`: the user cancelled.
 */
export type MoAErrorCategory = "usage" | "config" | "environment" | "run" | "interrupted";

/** The `moa` CLI's exit code for each category (documented in the README). */
export const EXIT_CODES: Readonly<Record<MoAErrorCategory, number>> = {
  usage: 2,
  config: 2,
  environment: 3,
  run: 1,
  interrupted: 130,
};

/** Options of every {@link MoAError}. */
export interface MoAErrorOptions {
  /** Stable identifier of the failure, e.g. `invalid_config`; never changes with the wording. */
  code: string;
  category: MoAErrorCategory;
  /** How the user can fix it, when there is a known way. */
  fix?: string | undefined;
  cause?: unknown;
}

// A brand rather than `instanceof` alone: errors thrown by another copy of this package (a bundled
// dependency, a test double) still belong to the family.
const BRAND = Symbol.for("langgraph-moa.error");

/**
 * Base class of every error this package throws on purpose. Callers branch on `code` (stable) or
 * `category`, never on the message text, which is written for people and may change.
 *
 * @example
 * try {
 *   await graph.invoke(input);
 * } catch (error) {
 *   if (isMoAError(error) && error.code === "layer_failed") console.error(error.message);
 *   else throw error;
 * }
 */
export class MoAError extends Error {
  readonly code: string;
  readonly category: MoAErrorCategory;
  readonly fix: string | undefined;

  constructor(message: string, { code, category, fix, cause }: MoAErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "MoAError";
    this.code = code;
    this.category = category;
    this.fix = fix;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The `moa` CLI's exit code for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.category];
  }

  /** What a server sends a client: no stack, no cause chain. */
  toJSON(): { error: string; code: string; category: MoAErrorCategory; message: string; fix?: string } {
    return {
      error: this.name,
      code: this.code,
      category: this.category,
      message: this.message,
      ...(this.fix !== undefined ? { fix: this.fix } : {}),
    };
  }
}

/**
 * Whether `value` is one of this package's errors (from any copy of the package).
 *
 * @example
 * if (isMoAError(error)) process.exitCode = error.exitCode;
 */
export function isMoAError(value: unknown): value is MoAError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

import { UsageError } from "../errors/UsageError.js";

/**
 * A commander parser for a whole-number flag from 1 to 1000000, refusing anything else with the flag named.
 *
 * @example
 * program.option("--limit <n>", "first n items", parsePositiveInt("--limit"));
 */
export function parsePositiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new UsageError(`${flag}: expected a whole number from 1 to 1000000, got "${value}"`);
    return n;
  };
}

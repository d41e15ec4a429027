import { afterEach } from "vitest";
import { startOllamaDouble, type OllamaDouble, type OllamaDoubleOptions } from "../doubles/ollamaDouble.js";

/**
 * A starter for Ollama doubles that closes every double it started after each test.
 *
 * @example
 * const start = trackedOllamaDoubles();
 * it("...", async () => { const ollama = await start({ models: {} }); });
 */
export function trackedOllamaDoubles(): (options: OllamaDoubleOptions) => Promise<OllamaDouble> {
  const open: OllamaDouble[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  return async (options) => {
    const double = await startOllamaDouble(options);
    open.push(double);
    return double;
  };
}

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The folder of this package's package.json, looked for upward from `from`: the same answer whether
 * the code runs from source (`src/`, `evals/`) or compiled (`dist/src/`, `dist/evals/`).
 *
 * @example
 * const manifest = path.join(packageRoot({ from: import.meta.dirname }), "package.json");
 */
export function packageRoot({ from }: { from: string }): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "langgraph-moa") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no langgraph-moa package.json above ${from}`);
  }
}

import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/graphs/loadConfig.js";

const dir = path.resolve(import.meta.dirname, "../examples");
// Workload files (`moa schedule`) are not topologies; test/scheduling loads them.
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith("workload"));

describe("examples/", () => {
  it("has an example of every topology kind", () => {
    const kinds = files.map((f) => loadConfig({ file: path.join(dir, f) }).kind);
    expect(new Set(kinds)).toEqual(new Set(["moa", "self-moa", "coe", "mosaic"]));
  });

  it.each(files)("%s is a valid topology", (file) => {
    const topology = loadConfig({ file: path.join(dir, file) });
    expect(topology.requirements.flat().length).toBeGreaterThan(0);
  });
});

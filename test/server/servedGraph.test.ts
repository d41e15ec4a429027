import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servedGraph } from "../../src/server/servedGraph.js";

// The served graphs read the process environment (MOA_CONFIG_DIR bounds a run's configFile).
const folder = mkdtempSync(path.join(tmpdir(), "moa-served-graph-"));
const previousDir = process.env.MOA_CONFIG_DIR;
beforeAll(() => {
  process.env.MOA_CONFIG_DIR = folder;
});
afterAll(() => {
  if (previousDir === undefined) delete process.env.MOA_CONFIG_DIR;
  else process.env.MOA_CONFIG_DIR = previousDir;
});

mkdirSync(path.join(folder, "stages"));
const outer = path.join(folder, "mosaic.yaml");
const stage = path.join(folder, "stages/panel.yaml");
writeFileSync(
  outer,
  "topology: mosaic\nexperts:\n  - { name: panel, stage: { file: stages/panel.yaml } }\n  - ollama:qwen2.5:1.5b\ngate: { extractor: { type: exact } }\naggregator: ollama:qwen2.5:3b\n",
);
const writeStage = (proposer: string, secondsAgo: number) => {
  writeFileSync(stage, `layers: [{ agents: [{ name: ${proposer}, model: "ollama:qwen2.5:1.5b" }] }]\naggregator: ollama:qwen2.5:3b\n`);
  const time = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(stage, time, time);
};

describe("servedGraph", () => {
  it("reuses the graph built for the same configuration", () => {
    writeStage("first", 60);
    const factory = servedGraph("mosaic");
    const config = { configurable: { configFile: "mosaic.yaml" } };
    expect(factory(config)).toBe(factory(config));
  });

  it("rebuilds when a stage file of the configuration changed", () => {
    writeStage("first", 60);
    const factory = servedGraph("mosaic");
    const config = { configurable: { configFile: "mosaic.yaml" } };
    const before = factory(config);
    writeStage("second", 0);
    const after = factory(config);
    expect(after).not.toBe(before);
  });

  it("reports a stage file that became invalid instead of serving the graph built before", () => {
    writeStage("first", 60);
    const factory = servedGraph("mosaic");
    const config = { configurable: { configFile: "mosaic.yaml" } };
    factory(config);
    writeFileSync(stage, "layers: []\naggregator: ollama:qwen2.5:3b\n");
    expect(() => factory(config)).toThrow(/panel\.yaml .*layers: expected at least one layer/);
  });

  it("names the field when a run's configFile is outside the config folder", () => {
    expect(() => servedGraph("moa")({ configurable: { configFile: "/etc/hostname" } })).toThrow(
      /configurable\.configFile: expected a file inside/,
    );
  });
});

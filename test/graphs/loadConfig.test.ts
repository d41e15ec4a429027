import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { moaConfigJsonSchema } from "../../src/graphs/topologyJsonSchema.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import { listPresets } from "../../src/graphs/registry.js";
import { planTopology } from "../../src/graphs/planTopology.js";
import type { ResolvedTopologyBase } from "../../src/graphs/types.js";
import type { ResolvedMoATopology } from "../../src/graphs/moa/configuration.js";

/** The topology, which the test expects to be an MoA. */
function moa(topology: ResolvedTopologyBase): ResolvedMoATopology {
  if (topology.kind !== "moa") throw new Error(`expected an MoA, got ${topology.kind}`);
  return topology as ResolvedMoATopology;
}

const dir = mkdtempSync(path.join(tmpdir(), "moa-config-"));
function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

describe("loadConfig", () => {
  it("loads a YAML topology", () => {
    const topology = moa(
      loadConfig({
        file: file("a.yaml", "layers:\n  - agents: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b]\naggregator: ollama:qwen2.5:3b\n"),
      }),
    );
    expect(topology.layers[0]!.map((a) => a.modelLabel)).toEqual(["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b"]);
  });

  it("loads a JSON topology", () => {
    const topology = moa(
      loadConfig({ file: file("a.json", JSON.stringify({ layers: [{ agents: ["ollama:a"] }], aggregator: "ollama:b" })) }),
    );
    expect(topology.aggregator.modelLabel).toBe("ollama:b");
  });

  it("resolves relative GGUF paths against the config file's folder", () => {
    const topology = moa(
      loadConfig({ file: file("g.yaml", "layers:\n  - agents: [llamacpp:models/x.gguf]\naggregator: llamacpp:models/x.gguf\n") }),
    );
    expect(topology.aggregator.model).toEqual({ provider: "llamacpp", model: path.join(dir, "models/x.gguf") });
  });

  it("uses the moa-lite preset when nothing is given", () => {
    expect(loadConfig().name).toBe("moa-lite");
  });

  it("plans every built-in preset as the topology it declares", () => {
    for (const preset of listPresets()) {
      const plan = planTopology({ config: preset.config });
      expect([plan.name, plan.kind]).toEqual([preset.name, preset.kind]);
    }
  });

  it("loads a preset of every kind", () => {
    for (const preset of listPresets())
      expect([loadConfig({ preset: preset.name }).kind, loadConfig({ preset: preset.name }).name]).toEqual([preset.kind, preset.name]);
  });

  it("loads the default preset of a kind named alone", () => {
    expect(loadConfig({ topology: "mosaic" }).name).toBe("mosaic");
  });

  it("refuses a source of another kind than the one named", () => {
    expect(() => loadConfig({ preset: "coe", topology: "moa" })).toThrow(/"moa" does not match the preset, which is a "coe" topology/);
  });

  it("resolves a stage file against the including file's folder, with its own relative paths", () => {
    file("stage.yaml", "layers:\n  - agents: [llamacpp:models/s.gguf]\naggregator: ollama:s\n");
    const outer = loadConfig({
      file: file(
        "outer.yaml",
        "topology: mosaic\nexperts:\n  - name: panel\n    stage: { file: stage.yaml }\n  - ollama:x\ngate: { extractor: { type: number } }\naggregator: ollama:y\n",
      ),
    });
    const stage = outer.kind === "mosaic" ? outer.experts[0] : undefined;
    const inner = stage?.kind === "stage" ? moa(stage.topology) : undefined;
    expect(inner?.layers[0]![0]!.model).toEqual({ provider: "llamacpp", model: path.join(dir, "models/s.gguf") });
  });

  it("names the field of a stage's error by its path in the including config", () => {
    const config = {
      topology: "mosaic",
      experts: [{ name: "panel", stage: { layers: [{ agents: [{ model: "ollama:a", seed: -1 }] }], aggregator: "ollama:b" } }, "ollama:x"],
      gate: { extractor: { type: "number" } },
      aggregator: "ollama:y",
    };
    expect(() => loadConfig({ config })).toThrow(/experts\[0\]\.stage\.layers\[0\]\.agents\[0\]\.seed:/);
  });

  it("names a CoE expert's duplicate name by the expert's own path", () => {
    const config = {
      topology: "coe",
      categories: ["a", "b"],
      router: { type: "rules", rules: [{ category: "a", keywords: ["x"] }] },
      experts: { a: { name: "same", model: "ollama:m1" }, b: { name: "same", model: "ollama:m2" } },
      fallback: "ollama:f",
    };
    expect(() => loadConfig({ config })).toThrow(/experts\.b\.name: two different experts are both named "same" \(also experts\.a\)/);
  });

  it("refuses a stage that includes its own file", () => {
    const target = path.join(dir, "loop.yaml");
    writeFileSync(
      target,
      "topology: mosaic\nexperts:\n  - name: me\n    stage: { file: loop.yaml }\n  - ollama:x\ngate: { extractor: { type: number } }\naggregator: ollama:y\n",
    );
    expect(() => loadConfig({ file: target })).toThrow(
      /loop\.yaml: experts\[0\]\.stage: stages are nested more than 8 deep; does a stage include its own file\?/,
    );
  });

  it("names the file and field in validation errors", () => {
    const target = file("bad.yaml", "layers:\n  - agents: [{model: ollama:a, seed: -1}]\naggregator: ollama:b\n");
    expect(() => loadConfig({ file: target })).toThrow(`invalid configuration in ${target}: layers[0].agents[0].seed:`);
  });

  it("reports a missing file", () => {
    expect(() => loadConfig({ file: path.join(dir, "nope.yaml") })).toThrow(/nope\.yaml: file not found/);
  });

  it("reports a directory given as the file", () => {
    expect(() => loadConfig({ file: dir })).toThrow(/is a directory/);
  });

  it("reports YAML that is not a mapping", () => {
    expect(() => loadConfig({ file: file("list.yaml", "- a\n- b\n") })).toThrow(/expected a mapping .* got a list/);
  });

  it("reports an empty file", () => {
    expect(() => loadConfig({ file: file("empty.yaml", "") })).toThrow(/the file is empty/);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(() => loadConfig({ file: file("syntax.yaml", "layers: [\n  agents: {\n") })).toThrow(/YAML syntax error: .*line/);
  });

  it("reports JSON syntax errors with their line and column", () => {
    const text = '{\n  "layers": [\n    { "agents": ["ollama:a"], }\n  ]\n}\n';
    expect(() => loadConfig({ file: file("syntax.json", text) })).toThrow(/JSON syntax error: .* at line 3, column 31$/);
  });

  it("reports an unquoted value at the line and column of its first character", () => {
    const text = '{\n  "layers": [{ "agents": ["ollama:a"] }],\n  "aggregator": ollama:goo,\n  "name": "x"\n}\n';
    expect(() => loadConfig({ file: file("unquoted.json", text) })).toThrow(
      /JSON syntax error: Unexpected token 'o'.* at line 3, column 17$/,
    );
  });

  it("reports an unexpected token near the end at its line and column", () => {
    const text = '{\n  "layers": [],\n  "b": tru }';
    expect(() => loadConfig({ file: file("near-end.json", text) })).toThrow(
      /JSON syntax error: Unexpected token ' '.* at line 3, column 11$/,
    );
  });

  it("gives no position it cannot know for a short file quoted whole", () => {
    expect(() => loadConfig({ file: file("whole.json", '{"a": x}') })).toThrow(
      /JSON syntax error: Unexpected token 'x', "\{"a": x\}" is not valid JSON$/,
    );
  });

  it("reports a JSON file cut short at its last line and column", () => {
    expect(() => loadConfig({ file: file("short.json", '{\n  "layers": [') })).toThrow(
      /JSON syntax error: Unexpected end of JSON input at line 2, column 14$/,
    );
  });

  it("reports duplicate YAML keys", () => {
    expect(() => loadConfig({ file: file("dup.yaml", "aggregator: ollama:a\naggregator: ollama:b\nlayers: []\n") })).toThrow(
      /YAML syntax error: .*[Mm]ap keys must be unique/,
    );
  });

  it("reports an unknown preset with the known ones", () => {
    expect(() => loadConfig({ preset: "huge" })).toThrow(/unknown preset "huge"; expected one of "moa-lite", "moa-deep"/);
  });

  it("refuses a preset and a config object together", () => {
    expect(() => loadConfig({ preset: "moa", config: { layers: [], aggregator: "ollama:a" } })).toThrow(/only one of/);
  });
});

describe("JSON Schema", () => {
  it("is committed up to date (regenerate with npm run schema)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schema/moa-config.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(moaConfigJsonSchema());
  });

  it("offers model reference strings, not instances, for models", () => {
    const schema = moaConfigJsonSchema() as { anyOf: Array<{ properties: { aggregator: { anyOf: Array<{ type?: string }> } } }> };
    expect(schema.anyOf[0]!.properties.aggregator.anyOf.map((b) => b.type)).toEqual(["string", "object"]);
  });

  it("describes every topology kind", () => {
    const schema = moaConfigJsonSchema() as { anyOf: Array<{ properties: { topology: { const?: string } } }> };
    expect(schema.anyOf.map((branch) => branch.properties.topology.const)).toEqual(["moa", "self-moa", "coe", "mosaic"]);
  });
});

describe("renamed presets", () => {
  it("refuses the old name of the 3-layer MoA preset with its new name and what the kind runs", () => {
    expect(() => loadConfig({ preset: "moa" })).toThrow(
      /the preset "moa" is now called "moa-deep"; "moa" is the topology kind, whose default preset is "moa-lite"/,
    );
  });
});

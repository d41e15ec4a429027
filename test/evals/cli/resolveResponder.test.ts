import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSystemSpec } from "../../../evals/cli/resolveResponder.js";
import { UsageError } from "../../../src/errors/UsageError.js";
import { findPreset, topologyKinds } from "../../../src/graphs/registry.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "moa-spec-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("parseSystemSpec", () => {
  it("reads an existing file as a topology config, labelled by its name without the extension", () => {
    const file = path.join(dir, "my-mix.yaml");
    writeFileSync(file, "kind: moa\n");
    expect(parseSystemSpec({ value: file, flag: "--topology" })).toEqual({ kind: "topology", source: { file }, label: "my-mix" });
  });

  it("resolves a relative file path to an absolute one", () => {
    writeFileSync(path.join(dir, "mix.json"), "{}");
    const relative = path.relative(process.cwd(), path.join(dir, "mix.json"));
    expect(parseSystemSpec({ value: relative, flag: "--topology" })).toEqual({
      kind: "topology",
      source: { file: path.join(dir, "mix.json") },
      label: "mix",
    });
  });

  it("reads a preset name as that preset", () => {
    expect(findPreset("moa-lite")).toBeDefined();
    expect(parseSystemSpec({ value: "moa-lite", flag: "--topology" })).toEqual({
      kind: "topology",
      source: { preset: "moa-lite" },
      label: "moa-lite",
    });
  });

  it("reads a topology kind that is no preset as that kind", () => {
    expect(findPreset("moa")).toBeUndefined();
    expect(topologyKinds()).toContain("moa");
    expect(parseSystemSpec({ value: "moa", flag: "--baseline" })).toEqual({ kind: "topology", source: { topology: "moa" }, label: "moa" });
  });

  it("reads provider:model as a single model", () => {
    expect(parseSystemSpec({ value: "ollama:qwen2.5:7b", flag: "--baseline" })).toEqual({ kind: "model", ref: "ollama:qwen2.5:7b" });
  });

  it("refuses anything else with a UsageError naming the flag and the value", () => {
    let error: unknown;
    try {
      parseSystemSpec({ value: "no such thing!", flag: "--baseline" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe("unknown_system");
    expect((error as UsageError).message).toBe(
      '--baseline: "no such thing!" is not a topology file, a preset, a topology kind or a model reference',
    );
    expect((error as UsageError).fix).toContain("moa presets");
  });
});

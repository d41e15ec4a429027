import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MOA_PRESETS } from "../../src/graphs/moa/presets.js";
import { ensureRunConfiguration, runVariablesOf } from "../../src/graphs/runConfiguration.js";

// As the served `moa` graph configures it (src/graphs/moa/configuration.ts).
const defaults = { kind: "moa", presets: MOA_PRESETS, defaultPreset: "moa-lite", fileVariable: "MOA_CONFIG", presetVariable: "MOA_PRESET" };
const ensure = (configurable: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = {}) =>
  ensureRunConfiguration(configurable ? { configurable } : undefined, defaults, env);

// The server's config folder, with one topology file inside, one outside and a link leading out.
const folder = mkdtempSync(path.join(tmpdir(), "moa-served-"));
mkdirSync(path.join(folder, "topologies"));
writeFileSync(path.join(folder, "topologies/team.yaml"), "layers: [{ agents: [ollama:a] }]\naggregator: ollama:b\n");
const outside = path.join(mkdtempSync(path.join(tmpdir(), "moa-elsewhere-")), "secret.yaml");
writeFileSync(outside, "layers: [{ agents: [ollama:a] }]\naggregator: ollama:b\n");
symlinkSync(outside, path.join(folder, "topologies/link.yaml"));
const served = { MOA_CONFIG_DIR: folder };

describe("ensureRunConfiguration", () => {
  it("runs the kind's default preset when nothing is configured", () => {
    expect(ensure(undefined)).toEqual({ source: { topology: "moa", backend: "ollama", preset: "moa-lite" }, origin: "default" });
  });

  it("takes the preset from the environment's variable", () => {
    expect(ensure({}, { MOA_PRESET: "moa-deep" })).toMatchObject({ source: { preset: "moa-deep" }, origin: "MOA_PRESET" });
  });

  it("lets the run's preset win over the environment's file", () => {
    expect(ensure({ preset: "moa-deep" }, { MOA_CONFIG: "/srv/moa.yaml" })).toMatchObject({
      source: { preset: "moa-deep" },
      origin: "configurable.preset",
    });
  });

  it("reads backend and max tokens from the run, else MOA_BACKEND and MOA_MAX_TOKENS", () => {
    expect(ensure({ backend: "llamacpp", maxTokens: 9 }).source).toMatchObject({ backend: "llamacpp", maxTokens: 9 });
    expect(ensure({}, { MOA_BACKEND: "openai", MOA_MAX_TOKENS: "12" }).source).toMatchObject({ backend: "openai", maxTokens: 12 });
  });

  it("names the field of a preset of another kind", () => {
    expect(() => ensure({ preset: "coe" })).toThrow(
      /configurable\.preset: "coe" is not a preset of this graph, which serves moa topologies/,
    );
  });

  it("names the variable of a bad environment preset", () => {
    expect(() => ensure({}, { MOA_PRESET: "nope" })).toThrow(/MOA_PRESET: "nope" is not a preset of this graph/);
  });

  it("names the variables of other kinds after the kind", () => {
    expect(runVariablesOf("self-moa")).toEqual({ fileVariable: "MOA_SELF_MOA_CONFIG", presetVariable: "MOA_SELF_MOA_PRESET" });
  });

  it("refuses a preset and a file together", () => {
    expect(() => ensure({ preset: "moa", configFile: "a.yaml" }, served)).toThrow(
      /configurable: give either preset or configFile, not both/,
    );
  });

  it("names an unknown backend and the choices", () => {
    expect(() => ensure({ backend: "gpu" })).toThrow(
      /configurable\.backend: unknown backend "gpu"; expected one of "ollama", "openai", "llamacpp"/,
    );
    expect(() => ensure({}, { MOA_BACKEND: "gpu" })).toThrow(/MOA_BACKEND: unknown backend "gpu"/);
  });

  it("names a malformed MOA_MAX_TOKENS", () => {
    expect(() => ensure({}, { MOA_MAX_TOKENS: "lots" })).toThrow(/MOA_MAX_TOKENS: expected a whole number from 1 to 1000000, got "lots"/);
  });

  it("rejects a wrongly typed field, naming it", () => {
    expect(() => ensure({ maxTokens: "ten" })).toThrow(/configurable\.maxTokens/);
  });
});

describe("a run's configFile", () => {
  it("resolves against the server's config folder", () => {
    expect(ensure({ configFile: "topologies/team.yaml" }, served).source.file).toBe(path.join(folder, "topologies/team.yaml"));
  });

  it("accepts an absolute path inside the folder", () => {
    const file = path.join(folder, "topologies/team.yaml");
    expect(ensure({ configFile: file }, served).source.file).toBe(file);
  });

  it("refuses a file outside the folder, so a client cannot make the server read any file", () => {
    expect(() => ensure({ configFile: outside }, served)).toThrow(
      /configurable\.configFile: expected a file inside the server's config folder/,
    );
    expect(() => ensure({ configFile: "../../etc/passwd" }, served)).toThrow(/configurable\.configFile/);
  });

  it("refuses a symbolic link that leads out of the folder", () => {
    expect(() => ensure({ configFile: "topologies/link.yaml" }, served)).toThrow(/configurable\.configFile/);
  });

  it("leaves the operator's own MOA_CONFIG unrestricted", () => {
    expect(ensure({}, { ...served, MOA_CONFIG: outside }).source.file).toBe(outside);
  });
});

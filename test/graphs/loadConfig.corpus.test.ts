import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import { runCli } from "../helpers/runCli.js";

/**
 * A corpus of broken topology files. Every one must be refused before any model is called with ONE
 * issue that names the field (its path) and says what was expected; through the CLI that is exit
 * code 2 and a one-line message, never a stack trace.
 */

const dir = mkdtempSync(path.join(tmpdir(), "moa-hostile-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(text: string, ext = "yaml"): string {
  const file = path.join(dir, `case-${++counter}.${ext}`);
  writeFileSync(file, text);
  return file;
}

// A valid MoA to graft one defect onto: two proposers, one aggregator.
const LAYERS = "layers:\n  - agents: [ollama:a, ollama:b]\n";
const MOA = `${LAYERS}aggregator: ollama:c\n`;
const withDefaults = (defaults: string) => `defaults: ${defaults}\n${MOA}`;
const oneAgent = (agent: string) => `layers:\n  - agents: [${agent}]\naggregator: ollama:c\n`;
const RULES = "router: {type: rules, rules: [{category: math, keywords: [sum]}]}\n";
const coe = (body: string) => `topology: coe\ncategories: [math]\n${body}`;
const mosaic = (body: string) => `topology: mosaic\n${body}`;
const GATE = "gate: {extractor: {type: number}}\n";

interface Case {
  /** What is broken. */
  title: string;
  text: string;
  ext?: "yaml" | "json";
  /** The field path the single issue must name; "" for the document itself. */
  path: string;
  /** What the message must say was expected (or what went wrong). */
  message: RegExp;
  /** Extra text that must appear in the source part of the message (stages name themselves). */
  source?: RegExp;
}

const CASES: Case[] = [
  // Unknown keys at every level that is a strict object.
  { title: "unknown top-level key", text: `${MOA}colour: blue\n`, path: "", message: /unknown key "colour"/ },
  {
    title: "unknown layer key (agent instead of agents)",
    text: "layers:\n  - agents: [ollama:a]\n    agent: [ollama:b]\naggregator: ollama:c\n",
    path: "layers[0]",
    message: /unknown key "agent"/,
  },
  {
    title: "unknown agent key (misspelt temperature)",
    text: oneAgent("{model: ollama:a, temprature: 0.5}"),
    path: "layers[0].agents[0]",
    message: /unknown key "temprature"/,
  },
  {
    title: "unknown aggregator key",
    text: `${LAYERS}aggregator: {model: ollama:c, mdoel: x}\n`,
    path: "aggregator",
    message: /unknown key "mdoel"/,
  },
  {
    title: "unknown key in layer defaults",
    text: "layers:\n  - agents: [ollama:a]\n    defaults: {temp: 1}\naggregator: ollama:c\n",
    path: "layers[0].defaults",
    message: /unknown key "temp"/,
  },
  {
    title: "unknown router key",
    text: coe(
      "router: {type: rules, rules: [{category: math, keywords: [x]}], model: ollama:a}\nexperts: {math: ollama:a}\nfallback: ollama:b\n",
    ),
    path: "router",
    message: /unknown key "model"/,
  },
  {
    title: "unknown gate key (misspelt threshold)",
    text: mosaic("experts: [ollama:a, ollama:b]\ngate: {extractor: {type: number}, treshold: 0.5}\naggregator: ollama:c\n"),
    path: "gate",
    message: /unknown key "treshold"/,
  },
  {
    title: "__proto__ as a key is just an unknown key",
    text: `${MOA}__proto__: {polluted: true}\n`,
    path: "",
    message: /unknown key "__proto__"/,
  },

  // Wrong types.
  {
    title: "string for a number (temperature: hot)",
    text: oneAgent("{model: ollama:a, temperature: hot}"),
    path: "layers[0].agents[0].temperature",
    message: /expected number, got the string "hot"/,
  },
  {
    title: "quoted number for maxTokens",
    text: withDefaults("{maxTokens: '512'}"),
    path: "defaults.maxTokens",
    message: /expected number, got the string "512"/,
  },
  {
    title: "mapping for the layers list",
    text: "layers: {agents: [ollama:a]}\naggregator: ollama:c\n",
    path: "layers",
    message: /expected array, got an object/,
  },
  {
    title: "mapping for a layer's agents list",
    text: "layers:\n  - agents: {model: ollama:a}\naggregator: ollama:c\n",
    path: "layers[0].agents",
    message: /expected array, got an object/,
  },
  {
    title: "list for the aggregator",
    text: `${LAYERS}aggregator: [ollama:c]\n`,
    path: "aggregator",
    message: /expected a model reference string .* or an object with a "model" field, got a list/,
  },
  {
    title: "number for a model",
    text: oneAgent("{model: 42}"),
    path: "layers[0].agents[0].model",
    message: /expected a model reference string .*, got 42/,
  },
  {
    title: "a layer that is a string, not a mapping",
    text: "layers: [ollama:a]\naggregator: ollama:c\n",
    path: "layers[0]",
    message: /expected object, got the string "ollama:a"/,
  },
  { title: "number for description", text: `description: 5\n${MOA}`, path: "description", message: /expected string, got 5/ },

  // Missing or empty structure.
  {
    title: "empty layers list",
    text: "layers: []\naggregator: ollama:c\n",
    path: "layers",
    message: /expected at least one layer of proposers/,
  },
  {
    title: "no layers at all",
    text: "aggregator: ollama:c\n",
    path: "layers",
    message: /expected array, got nothing \(the field is required\)/,
  },
  {
    title: "layers given as a string",
    text: "layers: ollama:a\naggregator: ollama:c\n",
    path: "layers",
    message: /expected array, got the string "ollama:a"/,
  },
  {
    title: "a layer with no agents",
    text: "layers:\n  - agents: []\naggregator: ollama:c\n",
    path: "layers[0].agents",
    message: /a layer needs at least one agent/,
  },
  {
    title: "no aggregator",
    text: LAYERS,
    path: "aggregator",
    message: /expected a model reference string .*, got nothing \(the field is required\)/,
  },

  // Model references and URLs.
  {
    title: "unknown model provider",
    text: oneAgent("gpt4:turbo"),
    path: "layers[0].agents[0]",
    message: /unknown model provider "gpt4" in "gpt4:turbo"; expected one of "ollama:", "openai:", "llamacpp:", "hf:"/,
  },
  {
    title: "model reference without a provider",
    text: oneAgent("qwen"),
    path: "layers[0].agents[0]",
    message: /"qwen" has no provider prefix/,
  },
  {
    title: "empty model name after the provider",
    text: oneAgent("'ollama:'"),
    path: "layers[0].agents[0]",
    message: /names no model after "ollama:"/,
  },
  {
    title: "blank model name after the provider",
    text: oneAgent("'ollama:   '"),
    path: "layers[0].agents[0]",
    message: /names no model after "ollama:"/,
  },
  { title: "llamacpp: without a file", text: oneAgent("'llamacpp:'"), path: "layers[0].agents[0]", message: /names no GGUF file/ },
  // One issue, not two: the refinement's "no provider prefix" only echoed the emptiness check.
  {
    title: "empty model string in an agent object",
    text: oneAgent("{model: ''}"),
    path: "layers[0].agents[0].model",
    message: /^expected a model reference such as "ollama:qwen2.5:1.5b"$/,
  },
  {
    title: "base URL in a reference with nothing after the scheme",
    text: oneAgent("'ollama:a@http://'"),
    path: "layers[0].agents[0]",
    message: /has an empty base URL after "@"/,
  },
  {
    title: "base URL in a reference with an impossible port",
    text: oneAgent("'ollama:a@http://host:99999'"),
    path: "layers[0].agents[0]",
    message: /has an invalid base URL "http:\/\/host:99999"/,
  },
  {
    title: "baseUrl with a non-http scheme",
    text: withDefaults("{baseUrl: 'ftp://x'}"),
    path: "defaults.baseUrl",
    message: /expected an http:\/\/ or https:\/\/ URL/,
  },
  {
    title: "baseUrl that is not a URL",
    text: oneAgent("{model: ollama:a, baseUrl: 'not a url'}"),
    path: "layers[0].agents[0].baseUrl",
    message: /expected an http:\/\/ or https:\/\/ URL/,
  },
  {
    title: "duplicate agent names in a layer",
    text: oneAgent("{name: x, model: ollama:a}, {name: x, model: ollama:b}"),
    path: "layers[0].agents[1].name",
    message: /duplicate agent name "x" \(also layers\[0\]\.agents\[0\]\)/,
  },
  {
    title: "agent name with a space",
    text: oneAgent("{name: 'has space', model: ollama:a}"),
    path: "layers[0].agents[0].name",
    message: /expected 1-64 letters, digits/,
  },

  // Numbers out of range, NaN-like and fractional.
  {
    title: "temperature -1",
    text: withDefaults("{temperature: -1}"),
    path: "defaults.temperature",
    message: /expected a number >= 0, got -1/,
  },
  {
    title: "temperature 3",
    text: oneAgent("{model: ollama:a, temperature: 3}"),
    path: "layers[0].agents[0].temperature",
    message: /expected a number <= 2, got 3/,
  },
  { title: "maxTokens 0", text: withDefaults("{maxTokens: 0}"), path: "defaults.maxTokens", message: /expected a number >= 1, got 0/ },
  {
    title: "maxTokens 10^9",
    text: withDefaults("{maxTokens: 1000000000}"),
    path: "defaults.maxTokens",
    message: /expected a number <= 1000000, got 1000000000/,
  },
  {
    title: "maxTokens .inf",
    text: withDefaults("{maxTokens: .inf}"),
    path: "defaults.maxTokens",
    message: /expected a finite number, got Infinity/,
  },
  { title: "maxTokens 1.5", text: withDefaults("{maxTokens: 1.5}"), path: "defaults.maxTokens", message: /expected an integer, got 1\.5/ },
  {
    title: "temperature .nan",
    text: withDefaults("{temperature: .nan}"),
    path: "defaults.temperature",
    message: /expected number, got NaN/,
  },
  { title: "topP 0", text: withDefaults("{topP: 0}"), path: "defaults.topP", message: /expected a number > 0, got 0/ },
  {
    title: "seed -1",
    text: `${LAYERS}aggregator: {model: ollama:c, seed: -1}\n`,
    path: "aggregator.seed",
    message: /expected a number >= 0, got -1/,
  },
  { title: "timeoutMs 0", text: withDefaults("{timeoutMs: 0}"), path: "defaults.timeoutMs", message: /expected a number >= 1, got 0/ },
  { title: "retries 100", text: withDefaults("{retries: 100}"), path: "defaults.retries", message: /expected a number <= 10, got 100/ },
  {
    title: 'activeParams "seven"',
    text: oneAgent("{model: ollama:a, activeParams: seven}"),
    path: "layers[0].agents[0].activeParams",
    message: /expected a count such as 7000000000, "7B"/,
  },
  { title: 'stop [""]', text: withDefaults("{stop: ['']}"), path: "defaults.stop[0]", message: /expected a non-empty stop sequence/ },
  {
    title: "apiKeyEnv that is not a variable name",
    text: withDefaults("{apiKeyEnv: 'MY-KEY'}"),
    path: "defaults.apiKeyEnv",
    message: /expected an environment variable name/,
  },
  {
    title: "aggregator onFailure not a policy",
    text: `${LAYERS}aggregator: {model: ollama:c, onFailure: retry}\n`,
    path: "aggregator.onFailure",
    message: /expected "best-proposer" or "fail", got the string "retry"/,
  },

  // Cross-field rules.
  {
    title: "quorum.min larger than the layer",
    text: "layers:\n  - agents: [ollama:a, ollama:b]\n    quorum: {min: 3}\naggregator: ollama:c\n",
    path: "layers[0].quorum.min",
    message: /expected at most 2 \(the number of agents in this layer\), got 3/,
  },
  {
    title: "quorum.min 0",
    text: "layers:\n  - agents: [ollama:a]\n    quorum: {min: 0}\naggregator: ollama:c\n",
    path: "layers[0].quorum.min",
    message: /expected a number >= 1, got 0/,
  },
  {
    title: "minSuccessful larger than the layer",
    text: "layers:\n  - agents: [ollama:a]\n    minSuccessful: 2\naggregator: ollama:c\n",
    path: "layers[0].minSuccessful",
    message: /expected at most 1 .*, got 2/,
  },
  {
    title: "aggregationPrompt on layer 1",
    text: "layers:\n  - agents: [ollama:a]\n    aggregationPrompt: improve\naggregator: ollama:c\n",
    path: "layers[0].aggregationPrompt",
    message: /the first layer has no previous answers to aggregate/,
  },

  // Documents that are not a topology mapping, and syntax errors.
  {
    title: "YAML list at the top level",
    text: "- ollama:a\n- ollama:b\n",
    path: "",
    message: /expected a mapping with "layers" and "aggregator" at the top level, got a list/,
  },
  { title: "YAML scalar at the top level", text: "hello\n", path: "", message: /expected a mapping .* at the top level, got a string/ },
  { title: "YAML number at the top level", text: "42\n", path: "", message: /expected a mapping .* at the top level, got a number/ },
  { title: "empty file", text: "", path: "", message: /the file is empty; expected a mapping/ },
  { title: "file with only comments", text: "# nothing here\n", path: "", message: /the file is empty/ },
  { title: "YAML syntax error", text: "layers: [\n  agents: {\n", path: "", message: /YAML syntax error: .* at line \d+, column \d+$/ },
  {
    title: "YAML tab indentation",
    text: "layers:\n\t- agents: [ollama:a]\n",
    path: "",
    message: /YAML syntax error: Tabs are not allowed as indentation at line 2/,
  },
  {
    title: "duplicate YAML keys",
    text: "aggregator: ollama:a\naggregator: ollama:b\nlayers: []\n",
    path: "",
    message: /YAML syntax error: Map keys must be unique at line 2/,
  },
  {
    title: "duplicate YAML keys inside an agent",
    text: oneAgent("{model: ollama:a, temperature: 1, temperature: 2}"),
    path: "",
    message: /Map keys must be unique at line 2/,
  },
  {
    title: "YAML alias bomb",
    text: `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n${MOA}`,
    path: "",
    message: /YAML syntax error: Excessive alias count/,
  },
  { title: "JSON syntax error", ext: "json", text: '{"layers": [}', path: "", message: /JSON syntax error: Unexpected token/ },
  // JSON.parse would silently keep the second aggregator.
  {
    title: "duplicate JSON keys",
    ext: "json",
    text: '{"layers": [{"agents": ["ollama:a"]}], "aggregator": "ollama:x", "aggregator": "ollama:y"}',
    path: "",
    message: /JSON syntax error: Map keys must be unique/,
  },
  { title: "JSON array at the top level", ext: "json", text: '["ollama:a"]', path: "", message: /got a list/ },
  { title: "JSON null", ext: "json", text: "null", path: "", message: /the file is empty/ },

  // Topology kinds and their own rules.
  {
    title: "unknown topology",
    text: `topology: moe\n${MOA}`,
    path: "topology",
    message: /unknown topology "moe"; expected one of "moa", "self-moa", "coe", "mosaic"/,
  },
  { title: "numeric topology", text: `topology: 3\n${MOA}`, path: "topology", message: /unknown topology 3/ },
  { title: "Self-MoA with n=1", text: "topology: self-moa\nmodel: ollama:a\nn: 1\n", path: "n", message: /expected a number >= 2, got 1/ },
  {
    title: "Self-MoA n as a word",
    text: "topology: self-moa\nmodel: ollama:a\nn: four\n",
    path: "n",
    message: /expected number, got the string "four"/,
  },
  {
    title: "Self-MoA without a model",
    text: "topology: self-moa\nn: 3\n",
    path: "model",
    message: /got nothing \(the field is required\)/,
  },
  {
    title: "Self-MoA layers as a list of layers",
    text: "topology: self-moa\nmodel: ollama:a\nn: 2\nlayers: [{agents: [ollama:a]}]\n",
    path: "layers",
    message: /expected number, got a list/,
  },
  {
    title: "CoE expert under an unknown category",
    text: coe(`${RULES}experts: {code: ollama:a}\nfallback: ollama:b\n`),
    path: "experts.code",
    message: /unknown category "code"; expected one of "math"/,
  },
  {
    title: "CoE rule for an unknown category",
    text: coe("router: {type: rules, rules: [{category: code, keywords: [x]}]}\nexperts: {math: ollama:a}\nfallback: ollama:b\n"),
    path: "router.rules[0].category",
    message: /unknown category "code"/,
  },
  {
    title: "CoE without a fallback",
    text: coe(`${RULES}experts: {math: ollama:a}\n`),
    path: "fallback",
    message: /got nothing \(the field is required\)/,
  },
  {
    title: "CoE category with several experts and no aggregator",
    text: coe(`${RULES}experts: {math: [ollama:a, ollama:b]}\nfallback: ollama:b\n`),
    path: "aggregator",
    message: /category "math" has 2 experts, so an aggregator is needed/,
  },
  {
    title: "CoE category listed twice",
    text: `topology: coe\ncategories: [math, math]\n${RULES}experts: {math: ollama:a}\nfallback: ollama:b\n`,
    path: "categories",
    message: /a category is listed twice/,
  },
  {
    title: "router type unknown",
    text: coe("router: {type: magic}\nexperts: {math: ollama:a}\nfallback: ollama:b\n"),
    path: "router.type",
    message: /expected one of "llm", "rules", "embedding", got the string "magic"/,
  },
  {
    title: "router without a type",
    text: coe("router: {rules: [{category: math, keywords: [x]}]}\nexperts: {math: ollama:a}\nfallback: ollama:b\n"),
    path: "router.type",
    message: /got nothing \(the field is required\)/,
  },
  {
    title: "rules router with a bad regex",
    text: coe("router: {type: rules, rules: [{category: math, patterns: ['(unclosed']}]}\nexperts: {math: ollama:a}\nfallback: ollama:b\n"),
    path: "router.rules[0]",
    message: /invalid pattern "\(unclosed".*Unterminated group/,
  },
  {
    title: "embedding router with no examples",
    text: coe("router: {type: embedding, embeddings: 'ollama:e', examples: []}\nexperts: {math: ollama:a}\nfallback: ollama:b\n"),
    path: "router.examples",
    message: /expected at least 1 item, got 0/,
  },
  {
    title: "llm router model without a provider",
    text: coe("router: {type: llm, model: gpt}\nexperts: {math: ollama:a}\nfallback: ollama:b\n"),
    path: "router.model",
    message: /"gpt" has no provider prefix/,
  },
  {
    title: "MOSAIC extractor unknown",
    text: mosaic("experts: [ollama:a, ollama:b]\ngate: {extractor: {type: vibes}}\naggregator: ollama:c\n"),
    path: "gate.extractor.type",
    message: /expected one of "choice", "number", "exact", "cluster", got the string "vibes"/,
  },
  {
    title: "MOSAIC minSuccessful above the experts",
    text: mosaic("experts: [ollama:a, ollama:b]\nminSuccessful: 3\ngate: {extractor: {type: number}}\naggregator: ollama:c\n"),
    path: "minSuccessful",
    message: /expected at most 2 \(the number of experts\), got 3/,
  },
  {
    title: "MOSAIC quorum below minSuccessful",
    text: mosaic(
      "experts: [ollama:a, ollama:b, ollama:d]\nminSuccessful: 2\nquorum: {min: 1}\ngate: {extractor: {type: number}}\naggregator: ollama:c\n",
    ),
    path: "quorum.min",
    message: /expected at least minSuccessful \(2\), got 1/,
  },
  {
    title: "MOSAIC threshold 0",
    text: mosaic("experts: [ollama:a, ollama:b]\ngate: {extractor: {type: number}, threshold: 0}\naggregator: ollama:c\n"),
    path: "gate.threshold",
    message: /expected a number > 0, got 0/,
  },
  {
    title: "MOSAIC with a single expert",
    text: mosaic(`experts: [ollama:a]\n${GATE}aggregator: ollama:c\n`),
    path: "experts",
    message: /expected at least 2 items, got 1/,
  },
  {
    title: "MOSAIC experts by category without a router",
    text: mosaic(`experts: {math: ollama:a}\n${GATE}aggregator: ollama:c\n`),
    path: "experts",
    message: /experts by category need categories, a router and a fallback/,
  },
  {
    title: "MOSAIC embedding similarity without embeddings",
    text: mosaic(
      "experts: [ollama:a, ollama:b]\ngate: {extractor: {type: cluster, similarity: embedding, threshold: 0.5}}\naggregator: ollama:c\n",
    ),
    path: "gate.extractor.embeddings",
    message: /embedding similarity needs an embeddings reference/,
  },
  {
    title: "choice extractor with a two-letter choice",
    text: mosaic("experts: [ollama:a, ollama:b]\ngate: {extractor: {type: choice, choices: [AB, C]}}\naggregator: ollama:c\n"),
    path: "gate.extractor.choices[0]",
    message: /expected a single letter/,
  },
  {
    title: "empty stage config",
    text: mosaic(`experts: [ollama:a, {name: panel, stage: {}}]\n${GATE}aggregator: ollama:c\n`),
    path: "experts[1].stage",
    message: /expected a topology config/,
  },
  // A stage is validated as its own topology; its errors name the path in the user's own file.
  {
    title: "stage with no layers",
    text: mosaic(`experts: [ollama:a, {name: panel, stage: {layers: [], aggregator: ollama:c}}]\n${GATE}aggregator: ollama:c\n`),
    path: "experts[1].stage.layers",
    message: /expected at least one layer of proposers/,
  },
  {
    title: "stage naming an unknown preset",
    text: mosaic(`experts: [ollama:a, {name: panel, stage: {preset: nope}}]\n${GATE}aggregator: ollama:c\n`),
    path: "experts[1].stage.preset",
    message: /unknown preset "nope"/,
  },
  {
    title: "stage that is a Self-MoA with n=1",
    text: mosaic(`experts: [ollama:a, {name: panel, stage: {topology: self-moa, model: ollama:a, n: 1}}]\n${GATE}aggregator: ollama:c\n`),
    path: "experts[1].stage.n",
    message: /expected a number >= 2, got 1/,
  },
  {
    title: "stage file that does not exist",
    text: mosaic(`experts: [ollama:a, {name: panel, stage: {file: no-such-stage.yaml}}]\n${GATE}aggregator: ollama:c\n`),
    path: "experts[1].stage.file",
    message: /no-such-stage\.yaml: file not found/,
  },
];

const files = new Map(CASES.map((c) => [c, write(c.text, c.ext)]));

function refusal(file: string): ConfigError {
  try {
    loadConfig({ file });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe("broken topology files (in-process)", () => {
  it("holds at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)("$title", (c) => {
    const file = files.get(c)!;
    const error = refusal(file);
    // One clear message: a single issue, at the expected field, saying what was expected.
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe(c.path);
    expect(error.issues[0]!.message).toMatch(c.message);
    // The message the user sees names the file and the field.
    expect(error.message).toContain(`invalid configuration in ${file}`);
    if (c.path) expect(error.message).toContain(`: ${c.path}: `);
    if (c.source) expect(error.message).toMatch(c.source);
  });

  it("accepts a JSON file saved with a UTF-8 byte-order mark (Windows editors write one)", () => {
    const file = write(`\uFEFF${JSON.stringify({ layers: [{ agents: ["ollama:a"] }], aggregator: "ollama:c" })}`, "json");
    expect(loadConfig({ file }).requirements.at(-1)![0]!.modelLabel).toBe("ollama:c");
  });

  // A base URL with a space once slipped through as part of the model name.
  it("refuses a base URL with a space in a model reference", () => {
    expect(refusal(write(oneAgent("'ollama:a@http://exa mple'"))).issues[0]!.message).toMatch(/invalid base URL/);
  });
});

describe("unusable config files (in-process)", () => {
  it("a file that does not exist", () => {
    const error = refusal(path.join(dir, "missing.yaml"));
    expect(error.message).toMatch(/config file .*missing\.yaml: file not found$/);
  });

  it("a directory given as the file", () => {
    const sub = path.join(dir, "a-directory.yaml");
    mkdirSync(sub);
    expect(refusal(sub).message).toMatch(/a-directory\.yaml: is a directory, expected a file$/);
  });
});

// Through the built CLI: exit code 2 and one message, never a stack trace.
const CLI_CASES = [
  "unknown top-level key",
  "unknown agent key (misspelt temperature)",
  "string for a number (temperature: hot)",
  "empty layers list",
  "unknown model provider",
  "duplicate agent names in a layer",
  "temperature -1",
  "maxTokens 10^9",
  "quorum.min larger than the layer",
  "YAML list at the top level",
  "empty file",
  "YAML syntax error",
  "duplicate YAML keys",
  "JSON syntax error",
  "unknown topology",
  "Self-MoA with n=1",
  "CoE without a fallback",
  "router type unknown",
  "rules router with a bad regex",
  "MOSAIC threshold 0",
  "stage with no layers",
].map((title) => {
  const found = CASES.find((c) => c.title === title);
  if (!found) throw new Error(`no corpus case "${title}"`);
  return found;
});

const STACK_LINE = /\n\s+at /;

describe("broken topology files through `moa validate`", () => {
  it.concurrent.each(CLI_CASES)("$title", async (c) => {
    const file = files.get(c)!;
    const { code, stdout, stderr } = await runCli(["validate", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stderr.startsWith(`moa: invalid configuration in ${file}`)).toBe(true);
    if (c.path) expect(stderr).toContain(`: ${c.path}: `);
    // Anchors such as $ in the corpus apply to the issue alone; the CLI line may carry the prefix.
    expect(stderr).toMatch(new RegExp(c.message.source.replace(/^\^/, "").replace(/\$$/, ""), c.message.flags));
  });

  it.concurrent("a file that does not exist", async () => {
    const { code, stderr } = await runCli(["validate", path.join(dir, "nowhere.yaml")]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^moa: invalid configuration: config file .*nowhere\.yaml: file not found\n$/);
  });

  it.concurrent("a directory given as the file", async () => {
    const { code, stderr } = await runCli(["validate", dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/is a directory, expected a file\n$/);
    expect(stderr).not.toMatch(STACK_LINE);
  });

  // Root reads any file whatever its mode: as root, the CLI runs without that right.
  it("an unreadable file (chmod 000)", async () => {
    const file = write(MOA);
    chmodSync(file, 0o000);
    try {
      const { code, stdout, stderr } = await runCli(["validate", file], { withoutRootFileAccess: process.getuid?.() === 0 });
      expect(stdout).toBe("");
      expect(stderr).toBe(`moa: invalid configuration: config file ${file}: permission denied\n`);
      expect(code).toBe(2);
    } finally {
      chmodSync(file, 0o600);
    }
  });
});

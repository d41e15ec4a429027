import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { startOpenAIDouble } from "../../doubles/openaiDouble.js";
import { unusedPort } from "../../helpers/ports.js";
import { runCli } from "../../helpers/runCli.js";

let ollama: OllamaDouble;
let configFile: string;
const dir = mkdtempSync(path.join(tmpdir(), "moa-cli-"));
const ANSWER = "Light scatters off air molecules, and blue light scatters most, so the sky looks blue.";

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Rayleigh scattering makes the sky blue." },
      "llama3.2:1b": { reply: "Blue light is scattered more by the atmosphere." },
      "gemma2:2b": { reply: "Because shorter wavelengths scatter more." },
      "qwen2.5:3b": { reply: ANSWER, chunkSize: 6, chunkDelayMs: 60 },
    },
  });
  configFile = path.join(dir, "moa.yaml");
  writeFileSync(
    configFile,
    [
      "defaults: { retries: 0 }",
      "layers:",
      "  - agents: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b, ollama:gemma2:2b]",
      "aggregator: ollama:qwen2.5:3b",
      "",
    ].join("\n"),
  );
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });
const question = "Why is the sky blue?";

describe("moa run", () => {
  it("prints the aggregator's answer on stdout and the summary table on stderr", async () => {
    const result = await runCli(["run", question, "--config", configFile], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(ANSWER);
    for (const name of ["qwen2.5-1.5b", "llama3.2-1b", "gemma2-2b", "aggregator", "ollama:qwen2.5:3b"])
      expect(result.stderr).toContain(name);
    expect(result.stderr).toMatch(/4 calls, 0 failed, \d+ input \+ \d+ output tokens/);
  });

  it("streams the answer while it is generated", async () => {
    const result = await runCli(["run", question, "--config", configFile], { env: env() });
    const answerChunks = result.stdoutTimes.filter((c) => c.text.trim() !== "");
    expect(answerChunks.length).toBeGreaterThan(3);
    // The double sends the answer in about 15 chunks 60 ms apart (~900 ms). Printed as it arrives, the
    // chunks reach stdout spread over most of that time; printed at the end, they would arrive at once.
    expect(answerChunks.at(-1)!.atMs - answerChunks[0]!.atMs).toBeGreaterThan(450);
  });

  it("prints every proposer's answer before the final one with --show-layers", async () => {
    const result = await runCli(["run", question, "--config", configFile, "--show-layers"], { env: env() });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/── layer 1 · qwen2\.5-1\.5b · proposer \(ollama:qwen2\.5:1\.5b\)/);
    expect(out).toContain("Rayleigh scattering makes the sky blue.");
    expect(out).toContain("Because shorter wavelengths scatter more.");
    expect(out.indexOf("Rayleigh scattering")).toBeLessThan(out.indexOf(ANSWER));
  });

  it("prints one JSON document with --json", async () => {
    const result = await runCli(["run", question, "--config", configFile, "--json"], { env: env() });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      answer: string;
      answers: Array<{ layer: number; agent: string; usage?: unknown }>;
      totals: { calls: number };
    };
    expect(doc.answer).toBe(ANSWER);
    expect(doc.answers.map((a) => `${a.layer}:${a.agent}`).sort()).toEqual([
      "1:gemma2-2b",
      "1:llama3.2-1b",
      "1:qwen2.5-1.5b",
      "2:aggregator",
    ]);
    expect(doc.totals.calls).toBe(4);
  });

  it("reads the question from stdin when it is -", async () => {
    ollama.clearCalls();
    const result = await runCli(["run", "-", "--config", configFile], { env: env(), input: "Why is the sea blue?\n" });
    expect(result.code).toBe(0);
    expect(ollama.callsFor("gemma2:2b")[0]!.messages.at(-1)!.content).toBe("Why is the sea blue?");
  });

  it("uses a preset and reaches Ollama through OLLAMA_HOST", async () => {
    const result = await runCli(["run", question, "--preset", "moa-lite"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(ANSWER);
  });

  it("warns about a model that is not pulled and answers with the rest", async () => {
    const file = path.join(dir, "missing.yaml");
    writeFileSync(
      file,
      "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:qwen2.5:1.5b, ollama:phi4:14b]\naggregator: ollama:qwen2.5:3b\n",
    );
    const result = await runCli(["run", question, "--config", file], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: ollama");
    expect(result.stderr).toContain('model "phi4:14b" is not pulled');
    expect(result.stderr).toContain("ollama pull phi4:14b");
    expect(result.stdout.trim()).toBe(ANSWER);
  });
});

describe("moa run failures", () => {
  it("says which backend it tried and how to fix it when none is reachable (exit 3)", async () => {
    const port = await unusedPort();
    const result = await runCli(["run", question, "--preset", "moa-lite", "--backend", "ollama"], {
      env: { OLLAMA_HOST: `127.0.0.1:${port}` },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`ollama http://127.0.0.1:${port}: connection refused`);
    expect(result.stderr).toContain("ollama serve");
    expect(result.stderr).toContain("llamacpp:");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("names the invalid field and exits 2 for a bad config", async () => {
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "layers:\n  - agents: [{ model: ollama:a, temperature: hot }]\naggregator: ollama:b\n");
    const result = await runCli(["run", question, "--config", file], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('layers[0].agents[0].temperature: expected number, got the string "hot"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for an unknown preset", async () => {
    const result = await runCli(["run", question, "--preset", "giant"], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown preset "giant"');
  });

  it("exits 2 for a config file that does not exist", async () => {
    const result = await runCli(["run", question, "--config", path.join(dir, "nope.yaml")], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("nope.yaml: file not found");
  });

  it("exits 2 for an empty question", async () => {
    const result = await runCli(["run", "   "], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the question is empty");
  });

  it("exits 2 when both --config and --preset are given", async () => {
    const result = await runCli(["run", question, "--config", configFile, "--preset", "moa"], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot be used with/);
  });

  it("exits 1 with every agent's error when a whole layer fails", async () => {
    const file = path.join(dir, "allmissing.yaml");
    writeFileSync(file, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:qwen2.5:1.5b]\naggregator: ollama:qwen2.5:3b\n");
    ollama.setBehavior("qwen2.5:1.5b", { failure: "http500" });
    try {
      const result = await runCli(["run", question, "--config", file], { env: env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/layer 1: no agent answered[\s\S]*qwen2\.5-1\.5b .*HTTP 500/);
    } finally {
      ollama.setBehavior("qwen2.5:1.5b", { reply: "Rayleigh scattering makes the sky blue." });
    }
  });
});

describe("moa helpers", () => {
  it("lists the presets", async () => {
    const result = await runCli(["presets"]);
    expect(result.stdout).toMatch(/^moa-lite +moa +3 proposers -> final aggregator.*\n +ollama\/openai: 3 small Ollama proposers/m);
    expect(result.stdout).toMatch(/^mosaic +mosaic +3 experts -> final aggregator.*\n +ollama\/openai: MOSAIC/m);
  });

  it("validates a config file and prints its agents", async () => {
    const result = await runCli(["validate", configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("layer1/gemma2-2b");
    // On one line, or one node per line when the file's path makes that line too long.
    expect(result.stdout).toContain(`${configFile}: valid moa`);
    expect(result.stdout.slice(result.stdout.indexOf(": valid moa")).match(/layer1\/[\w.-]+|aggregator/g)).toEqual([
      "layer1/qwen2.5-1.5b",
      "layer1/llama3.2-1b",
      "layer1/gemma2-2b",
      "aggregator",
    ]);
  });

  it("lists the nodes of a large topology one per line, within 100 columns", async () => {
    const result = await runCli(["validate", "examples/moa.yaml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("examples/moa.yaml: valid moa, 7 nodes:\n  layer1/qwen2.5-1.5b\n");
    for (const line of result.stdout.trimEnd().split("\n")) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("prints the JSON Schema", async () => {
    const result = await runCli(["schema"]);
    expect(JSON.parse(result.stdout)).toHaveProperty("anyOf.0.properties.layers");
  });
});

describe("moa run edge cases", () => {
  it("answers with the most representative proposer when the aggregator fails, and says so", async () => {
    const file = path.join(dir, "aggfallback.yaml");
    writeFileSync(file, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:gemma2:2b]\naggregator: ollama:llama3.2:1b\n");
    ollama.setBehavior("llama3.2:1b", { failure: "http500" });
    try {
      const result = await runCli(["run", question, "--config", file], { env: env() });
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe("Because shorter wavelengths scatter more.");
      expect(result.stderr).toMatch(/warning: the aggregator failed \(HTTP 500.*\); answering with layer1\/gemma2-2b's answer/);
    } finally {
      ollama.setBehavior("llama3.2:1b", { reply: "Blue light is scattered more by the atmosphere." });
    }
  });

  it("exits 1 naming the aggregator when the final aggregator fails", async () => {
    const file = path.join(dir, "aggfail.yaml");
    writeFileSync(
      file,
      "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:gemma2:2b]\naggregator: { model: ollama:llama3.2:1b, onFailure: fail }\n",
    );
    ollama.setBehavior("llama3.2:1b", { failure: "http500" });
    try {
      const result = await runCli(["run", question, "--config", file], { env: env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/the final aggregator "aggregator" \(ollama:llama3\.2:1b\) failed: HTTP 500/);
    } finally {
      ollama.setBehavior("llama3.2:1b", { reply: "Blue light is scattered more by the atmosphere." });
    }
  });

  it("skips the backend check with --no-check and records the unreachable agent's error", async () => {
    const port = await unusedPort();
    const file = path.join(dir, "nocheck.yaml");
    writeFileSync(
      file,
      `defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:gemma2:2b, "ollama:gemma2:2b@http://127.0.0.1:${port}"]\naggregator: ollama:qwen2.5:3b\n`,
    );
    const result = await runCli(["run", question, "--config", file, "--no-check", "--json"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("warning");
    const doc = JSON.parse(result.stdout) as { answers: Array<{ agent: string; error?: string }> };
    expect(doc.answers.find((a) => a.agent === "gemma2-2b-2")?.error).toMatch(/^connection refused/);
  });

  it("drops an openai: proposer that has no API key and answers with the others", async () => {
    const file = path.join(dir, "nokey.yaml");
    writeFileSync(
      file,
      "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:gemma2:2b, { model: 'openai:gpt-4o-mini', apiKeyEnv: MOA_API_KEY_TEST_UNSET }]\naggregator: ollama:qwen2.5:3b\n",
    );
    const result = await runCli(["run", question, "--config", file, "--json"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no API key (MOA_API_KEY_TEST_UNSET is not set)");
    const doc = JSON.parse(result.stdout) as { answer: string; answers: Array<{ agent: string; error?: string }> };
    expect(doc.answers.find((a) => a.agent === "gpt-4o-mini")?.error).toMatch(/no API key .*MOA_API_KEY_TEST_UNSET/);
    expect(doc.answer).toBe(ANSWER);
  });

  it("exits 2 naming OLLAMA_HOST when it is not an address", async () => {
    const result = await runCli(["run", question, "--config", configFile], { env: { OLLAMA_HOST: "http://bad host" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OLLAMA_HOST: "http://bad host" is not a valid Ollama address');
  });

  it("stops in-flight calls on Ctrl-C and exits 130", async () => {
    const file = path.join(dir, "slow.yaml");
    // A configured window: the aggregator then calls the model at once, without asking /api/show first.
    writeFileSync(
      file,
      "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:gemma2:2b]\naggregator: { model: ollama:slow:1b, contextWindow: 8192 }\n",
    );
    // Ten minutes: the process can only exit in time because Ctrl-C cancels the call.
    ollama.setBehavior("slow:1b", { reply: "never", latencyMs: 600_000 });
    ollama.clearCalls();
    const result = await runCli(["run", question, "--config", file, "--show-layers"], { env: env(), signalOnFirstOutput: "SIGINT" });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("moa: interrupted");
    // The run was checkpointed, so the message says how to finish it.
    expect(result.stderr).toMatch(/Resume with: moa resume [0-9a-f-]{36}/);
    // The aggregator's request was under way and was cancelled, not answered.
    expect(ollama.callsFor("slow:1b")[0]?.outcome).toBe("aborted");
  });
});

describe("moa run --topology", () => {
  const topologyFile = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    return file;
  };

  it("runs a Self-MoA preset by kind, sampling one model several times", async () => {
    ollama.clearCalls();
    const result = await runCli(["run", question, "--topology", "self-moa", "--json"], { env: env() });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { kind: string; answers: Array<{ agent: string }> };
    expect(doc.kind).toBe("self-moa");
    expect(doc.answers.map((a) => a.agent).sort()).toEqual(["aggregator", "sample-1", "sample-2", "sample-3", "sample-4"]);
    // Four samples of qwen2.5:3b with distinct seeds, then the same model aggregates.
    const seeds = ollama.callsFor("qwen2.5:3b").map((c) => c.options.seed);
    expect(seeds.filter((s) => s !== undefined).sort()).toEqual([1, 2, 3, 4]);
  });

  it("runs a MOSAIC config and reports the gate's decision", async () => {
    const file = topologyFile(
      "mosaic.yaml",
      "topology: mosaic\ndefaults: { retries: 0 }\nexperts: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b]\ngate: { extractor: { type: exact }, threshold: 1 }\naggregator: ollama:qwen2.5:3b\n",
    );
    const result = await runCli(["run", question, "--config", file, "--show-layers"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/── gate · exact: C = 0\.50 vs T = 1\.00 -> aggregating/);
    expect(result.stdout.trim().endsWith(ANSWER)).toBe(true);
  });

  it("runs a CoE config, printing the route", async () => {
    const file = topologyFile(
      "coe.yaml",
      [
        "topology: coe",
        "defaults: { retries: 0 }",
        "categories: [science, other]",
        "router: { type: rules, rules: [{ category: science, keywords: [sky, light] }] }",
        "experts: { science: ollama:gemma2:2b }",
        "fallback: ollama:llama3.2:1b",
        "",
      ].join("\n"),
    );
    const result = await runCli(["run", question, "--config", file, "--show-layers"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/── route · rules router: science .* -> expert\/gemma2-2b/);
    expect(result.stdout.trim().endsWith("Because shorter wavelengths scatter more.")).toBe(true);
  });

  it("exits 2 when --topology contradicts the config file", async () => {
    const result = await runCli(["run", question, "--config", configFile, "--topology", "coe"], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"coe" does not match the config file, which is a "moa" topology');
  });

  it("exits 2 for an unknown topology kind", async () => {
    const result = await runCli(["run", question, "--topology", "swarm"], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown topology "swarm"');
  });
});

describe("moa validate for CoE and MOSAIC files", () => {
  const invalid: Array<[string, string, RegExp]> = [
    [
      "bad-regex.yaml",
      "topology: coe\ncategories: [a]\nrouter: { type: rules, rules: [{ category: a, patterns: ['(x'] }] }\nexperts: { a: ollama:m }\nfallback: ollama:f\n",
      /router\.rules\[0\]: invalid pattern/,
    ],
    [
      "bad-router.yaml",
      "topology: coe\ncategories: [a]\nrouter: { type: knn }\nexperts: { a: ollama:m }\nfallback: ollama:f\n",
      /router\.type: expected one of "llm", "rules", "embedding", got the string "knn"/,
    ],
    [
      "no-fallback.yaml",
      "topology: coe\ncategories: [a]\nrouter: { type: rules, rules: [{ category: a, keywords: [x] }] }\nexperts: { a: ollama:m }\n",
      /fallback: expected/,
    ],
    [
      "bad-extractor.yaml",
      "topology: mosaic\nexperts: [ollama:a, ollama:b]\ngate: { extractor: { type: regex } }\naggregator: ollama:c\n",
      /gate\.extractor\.type: expected one of "choice", "number", "exact", "cluster"/,
    ],
    [
      "bad-stage.yaml",
      "topology: mosaic\nexperts: [{ name: s, stage: { layers: [] } }, ollama:b]\ngate: { extractor: { type: exact } }\naggregator: ollama:c\n",
      /experts\[0\]\.stage\.layers: expected at least one layer/,
    ],
    ["bad-kind.yaml", "topology: swarm\n", /topology: unknown topology "swarm"/],
  ];
  it.each(invalid)("rejects %s with exit 2 and the field path", async (name, body, message) => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    const result = await runCli(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("API keys and a shared config", () => {
  it("refuses a config that would send another secret as its API key (exit 2), before any request", async () => {
    const server = await startOpenAIDouble({ acceptAnyModel: true });
    try {
      const file = path.join(dir, "exfiltrate.yaml");
      writeFileSync(
        file,
        `layers:\n  - agents: [ollama:gemma2:2b, { model: 'openai:m@${server.url}/v1', apiKeyEnv: HF_TOKEN }]\naggregator: ollama:qwen2.5:3b\n`,
      );
      const result = await runCli(["run", question, "--config", file, "--no-persist"], { env: { ...env(), HF_TOKEN: "hf_secret" } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("layers[0].agents[1].apiKeyEnv: HF_TOKEN may not be used");
      expect(result.stderr).toContain("MOA_ALLOWED_KEY_ENV");
      expect(server.calls).toHaveLength(0);
      // The user can allow it, for their own config.
      const allowed = await runCli(["run", question, "--config", file, "--no-persist"], {
        env: { ...env(), HF_TOKEN: "hf_secret", MOA_ALLOWED_KEY_ENV: "HF_TOKEN" },
      });
      expect(allowed.code).toBe(0);
      expect(server.calls[0]?.authorization).toBe("Bearer hf_secret");
    } finally {
      await server.close();
    }
  });

  it("warns when an API key would travel over plain http:// to another machine", async () => {
    const server = await startOpenAIDouble({ acceptAnyModel: true });
    try {
      // 0.0.0.0 is not a loopback name, but connecting to it reaches this machine: nothing leaves it.
      const baseUrl = server.url.replace("127.0.0.1", "0.0.0.0");
      const file = path.join(dir, "cleartext.yaml");
      writeFileSync(
        file,
        `layers:\n  - agents: [{ model: 'openai:m@${baseUrl}/v1', apiKeyEnv: MOA_API_KEY_BOX }]\naggregator: ollama:qwen2.5:3b\n`,
      );
      const result = await runCli(["run", question, "--config", file, "--no-persist"], {
        env: { ...env(), MOA_API_KEY_BOX: "box-secret" },
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`warning: layer1/m sends its API key (MOA_API_KEY_BOX) over plain http:// to ${baseUrl}/v1`);
      expect(result.stderr).not.toContain("box-secret");
    } finally {
      await server.close();
    }
  });
});

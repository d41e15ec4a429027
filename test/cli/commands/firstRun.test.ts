import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GGUF_MODELS } from "../../../src/graphs/presetModels.js";
import { parseHfUri } from "../../../src/models/providers/llamacpp/download/index.js";
import { hfFilePath, startFileServer, type FileServer } from "../../doubles/fileServer.js";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { unusedPort } from "../../helpers/ports.js";
import { runCli } from "../../helpers/runCli.js";

const TINY_GGUF_PATH = path.resolve(import.meta.dirname, "../../../../shared/models/llama-2-tiny-random.gguf");
const TINY_GGUF = readFileSync(TINY_GGUF_PATH);
// moa-lite on llama.cpp: three proposers and an aggregator, each a different file.
const MOA_LITE_FILES = [GGUF_MODELS.qwen05, GGUF_MODELS.smol360, GGUF_MODELS.llama1b, GGUF_MODELS.qwen15];

let hub: FileServer;
beforeAll(async () => {
  // The tiny random-weights GGUF stands in for every preset model (mechanics, not quality).
  const files = Object.fromEntries(MOA_LITE_FILES.map((uri) => [hfFilePath(parseHfUri(uri)), TINY_GGUF]));
  hub = await startFileServer({ files });
});
afterAll(() => hub.close());

describe("zero-setup first run on the embedded backend", () => {
  const modelsDir = mkdtempSync(path.join(tmpdir(), "moa-models-"));

  it("falls back to llama.cpp when no Ollama answers, downloads the preset's models with progress, and answers", async () => {
    const ollamaUrl = `http://127.0.0.1:${await unusedPort()}`;
    const env = { OLLAMA_HOST: ollamaUrl, HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir };
    // OLLAMA_HOST names a closed port so that no Ollama on this machine answers; as it is set, the
    // fallback must be confirmed (--yes), which a user without OLLAMA_HOST never has to do.
    const result = await runCli(["run", "Why is the sky blue?", "--no-persist", "--json", "--max-tokens", "16", "--yes"], {
      env,
      timeoutMs: 120_000,
    });
    expect(result.stderr).toContain(`backend: llamacpp (no Ollama server at ${ollamaUrl} (connection refused`);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("to download: 4 model files, ");
    for (const file of [
      "qwen2.5-0.5b-instruct-q4_k_m.gguf",
      "SmolLM2-360M-Instruct-Q8_0.gguf",
      "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
      "qwen2.5-1.5b-instruct-q4_k_m.gguf",
    ]) {
      expect(result.stderr).toMatch(new RegExp(`${file.replace(/\./g, "\\.")}.*100%`));
    }
    const document = JSON.parse(result.stdout) as { answers: Array<{ nodeId: string; usage?: { outputTokens: number } }>; answer: string };
    expect(document.answers.map((a) => a.nodeId).sort()).toEqual([
      "aggregator",
      "layer1/llama3.2-1b",
      "layer1/qwen2.5-0.5b",
      "layer1/smollm2-360m",
    ]);
    // Every call generated, within the --max-tokens cap.
    expect(document.answers.map((a) => a.usage?.outputTokens ?? 0).every((n) => n > 0 && n <= 16)).toBe(true);
    expect(hub.requests.filter((r) => r.method === "GET")).toHaveLength(4);
  }, 180_000);

  it("lists the cache with each file verified by its published sha256", async () => {
    const result = await runCli(["models"], { env: { MOA_MODELS_DIR: modelsDir } });
    expect(result.code).toBe(0);
    // A long hf: URI is shortened to fit 100 columns, keeping its file name.
    for (const uri of MOA_LITE_FILES)
      expect(result.stdout).toMatch(new RegExp(`${uri.split("/").at(-1)!.replace(/[.]/g, "\\.")}\\s+\\S+ \\S+\\s+sha256 verified`));
    for (const line of result.stdout.split("\n")) expect([...line].length).toBeLessThanOrEqual(100);
    expect(result.stdout).toMatch(/^4 files, .* in /m);
  });

  it("uses the cache on the next run: no request reaches the hub", async () => {
    hub.clearRequests();
    const env = { OLLAMA_HOST: `http://127.0.0.1:${await unusedPort()}`, HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir };
    const result = await runCli(["run", "Again?", "--no-persist", "--backend", "llamacpp", "--max-tokens", "8"], {
      env,
      timeoutMs: 120_000,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("backend: llamacpp (chosen with --backend)");
    expect(result.stderr).not.toContain("to download");
    expect(hub.requests).toHaveLength(0);
  }, 180_000);

  it("runs the stage presets of a config file, even inside its stage files, on the backend chosen", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-stage-presets-"));
    const tiny = `"llamacpp:${TINY_GGUF_PATH}"`;
    mkdirSync(path.join(dir, "stages"));
    // The preset sits in a stage file, not in the file given to --config.
    writeFileSync(
      path.join(dir, "stages/team.yaml"),
      `topology: mosaic\nexperts:\n  - { name: panel, stage: { preset: moa-lite } }\n  - ${tiny}\ngate: { extractor: { type: exact } }\naggregator: ${tiny}\n`,
    );
    const outer = path.join(dir, "outer.yaml");
    writeFileSync(
      outer,
      `topology: mosaic\nexperts:\n  - { name: team, stage: { file: stages/team.yaml } }\n  - ${tiny}\ngate: { extractor: { type: exact } }\naggregator: ${tiny}\n`,
    );
    const env = { OLLAMA_HOST: `http://127.0.0.1:${await unusedPort()}`, HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir };
    const chosen = await runCli(["run", "Hi", "--config", outer, "--backend", "llamacpp", "--no-persist", "--json", "--max-tokens", "4"], {
      env,
      timeoutMs: 120_000,
    });
    expect(chosen.stderr).toContain("backend: llamacpp (chosen with --backend)");
    expect(chosen.code).toBe(0);
    const { answers } = JSON.parse(chosen.stdout) as { answers: Array<{ stage?: string; model: string }> };
    expect(answers.filter((a) => a.stage?.includes("panel")).every((a) => a.model.startsWith("hf:"))).toBe(true);
    // Without --backend, auto chooses for those presets too (no Ollama answers here), and says so.
    const auto = await runCli(["run", "Hi", "--config", outer, "--no-persist", "--max-tokens", "4", "--yes"], { env, timeoutMs: 120_000 });
    expect(auto.stderr).toContain("backend: llamacpp (no Ollama server at");
    expect(auto.code).toBe(0);
  }, 180_000);

  it("removes cached models by name and says how much it freed", async () => {
    const result = await runCli(["models", "rm", "smollm2"], { env: { MOA_MODELS_DIR: modelsDir } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`removed ${GGUF_MODELS.smol360}`);
    expect(result.stdout).toMatch(/freed \d/);
    const listed = await runCli(["models"], { env: { MOA_MODELS_DIR: modelsDir } });
    expect(listed.stdout).not.toContain("SmolLM2");
    expect(listed.stdout).toMatch(/^3 files/m);
  });

  it("refuses `models rm` without a name (exit 2)", async () => {
    const result = await runCli(["models", "rm"], { env: { MOA_MODELS_DIR: modelsDir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("name the model to remove");
  });

  it("refuses, before loading, models that do not fit in memory (exit 3)", async () => {
    const env = { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir, MOA_LLAMACPP_MEMORY_LIMIT: "1KB" };
    const result = await runCli(["run", "Hi", "--no-persist", "--backend", "llamacpp", "--yes"], { env, timeoutMs: 120_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/need/i);
    expect(result.stderr).toContain("MOA_LLAMACPP_MAX_MODELS");
  }, 180_000);
});

describe("moa models pull", () => {
  it("downloads a preset's GGUF models ahead of the first run, then finds them cached", async () => {
    const modelsDir = mkdtempSync(path.join(tmpdir(), "moa-models-"));
    hub.clearRequests();
    const env = { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir };
    const pulled = await runCli(["models", "pull", "--preset", "mosaic"], { env });
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain("to download: 4 model files, ");
    expect(pulled.stderr).toContain("the models of mosaic (llamacpp) are ready");
    const again = await runCli(["models", "pull", "--preset", "moa-lite"], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("to download");
    expect(hub.requests.filter((r) => r.method === "GET")).toHaveLength(4);
  });
});

describe("an interrupted download", () => {
  it("resumes where it stopped when the command is run again", async () => {
    const modelsDir = mkdtempSync(path.join(tmpdir(), "moa-models-"));
    const slow = await startFileServer({
      // Every file is served (the files are sized before any download); the Qwen one, first, is cut short.
      files: Object.fromEntries(MOA_LITE_FILES.map((uri) => [hfFilePath(parseHfUri(uri)), TINY_GGUF])),
      behavior: { chunkBytes: 32 * 1024, chunkDelayMs: 50 },
    });
    try {
      const env = { HF_ENDPOINT: slow.url, MOA_MODELS_DIR: modelsDir };
      const partial = path.join(modelsDir, "Qwen", "Qwen2.5-0.5B-Instruct-GGUF", "main", "qwen2.5-0.5b-instruct-q4_k_m.gguf.partial");
      const killed = await runCli(["models", "pull", "--preset", "moa-lite"], {
        env,
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (existsSync(partial) && statSync(partial).size > 256 * 1024) {
              clearInterval(poll);
              child.kill("SIGKILL");
            }
          }, 20);
        },
      });
      expect(killed.code).toBeNull();
      const kept = statSync(partial).size;
      expect(kept).toBeGreaterThan(0);

      slow.setBehavior({ chunkBytes: 256 * 1024 });
      slow.clearRequests();
      await runCli(["models", "pull", "--preset", "moa-lite"], { env });
      const resumedGet = slow.requests.find((r) => r.method === "GET");
      expect(resumedGet?.range).toMatch(/^bytes=(\d+)-$/);
      expect(Number(/^bytes=(\d+)-$/.exec(resumedGet!.range!)![1])).toBeGreaterThanOrEqual(kept);
      const listed = await runCli(["models"], { env });
      expect(listed.stdout).toMatch(/qwen2\.5-0\.5b-instruct-q4_k_m\.gguf\s+\S+ \S+\s+sha256 verified/);
      expect(readFileSync(partial.replace(/\.partial$/, "")).equals(TINY_GGUF)).toBe(true);
    } finally {
      await slow.close();
    }
  }, 60_000);
});

describe("review fixes", () => {
  it("Ctrl-C during a download exits 130 and keeps the partial file", async () => {
    const modelsDir = mkdtempSync(path.join(tmpdir(), "moa-models-"));
    const slow = await startFileServer({
      // Every file is served (the files are sized before any download); the Qwen one, first, is cut short.
      files: Object.fromEntries(MOA_LITE_FILES.map((uri) => [hfFilePath(parseHfUri(uri)), TINY_GGUF])),
      behavior: { chunkBytes: 16 * 1024, chunkDelayMs: 100 },
    });
    try {
      const partial = path.join(modelsDir, "Qwen", "Qwen2.5-0.5B-Instruct-GGUF", "main", "qwen2.5-0.5b-instruct-q4_k_m.gguf.partial");
      const result = await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist", "--yes"], {
        env: { HF_ENDPOINT: slow.url, MOA_MODELS_DIR: modelsDir },
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (existsSync(partial) && statSync(partial).size > 0) {
              clearInterval(poll);
              child.kill("SIGINT");
            }
          }, 20);
        },
      });
      expect(result.code).toBe(130);
      expect(result.stderr).toContain("interrupted; partial downloads are kept and resume on the next run");
      expect(existsSync(partial)).toBe(true);
    } finally {
      await slow.close();
    }
  }, 60_000);

  it("refuses `models rm` when the name matches several files, listing them", async () => {
    const modelsDir = mkdtempSync(path.join(tmpdir(), "moa-models-"));
    const env = { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir };
    expect((await runCli(["models", "pull", "--preset", "moa-lite"], { env })).code).toBe(0);
    const result = await runCli(["models", "rm", "qwen2.5"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"qwen2.5" matches 2 cached models');
    expect(result.stderr).toContain(GGUF_MODELS.qwen05);
    expect((await runCli(["models"], { env })).stdout).toMatch(/^4 files/m);
  });

  it("`models pull` for Ollama fails (exit 3) when no Ollama answers", async () => {
    const result = await runCli(["models", "pull", "--backend", "ollama"], { env: { OLLAMA_HOST: `127.0.0.1:${await unusedPort()}` } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Ollama at http:\/\/127\.0\.0\.1:\d+ is not reachable \(connection refused/);
  });

  it("refuses a downloaded GGUF whose header claims 2^40 tensors at once, naming the file (exit 3)", async () => {
    const hostile = Buffer.alloc(24);
    hostile.write("GGUF", 0, "latin1");
    hostile.writeUInt32LE(3, 4);
    hostile.writeBigUInt64LE(2n ** 40n, 8);
    hostile.writeBigUInt64LE(2n ** 40n, 16);
    hub.setFile(hfFilePath(parseHfUri("hf:evil/models/evil.gguf")), hostile);
    const dir = mkdtempSync(path.join(tmpdir(), "moa-hostile-"));
    const config = path.join(dir, "shared.yaml");
    const model = '"hf:evil/models/evil.gguf"';
    writeFileSync(config, `layers:\n  - agents: [{ name: a, model: ${model} }]\naggregator: { model: ${model} }\n`);
    const env = { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: path.join(dir, "models") };
    const result = await runCli(["run", "Hi", "--config", config, "--no-persist", "--yes"], { env, timeoutMs: 60_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not a valid GGUF file: \S+evil\.gguf \(the header claims 1099511627776 tensors \(at most 1000000\)\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ["MOA_LLAMACPP_MEMORY_LIMIT", "plenty", 'expected a size such as 512MB, 2GB or a number of bytes (or "off"), got "plenty"'],
    ["MOA_LLAMACPP_MAX_MODELS", "lots", 'expected a positive integer, got "lots"'],
    ["MOA_LLAMACPP_GPU", "cdua", 'expected one of auto, cuda, vulkan, metal (or "cpu"/"off", the default), got "cdua"'],
    ["MOA_DOWNLOAD_STALL_SECONDS", "soon", 'expected a positive number of seconds, got "soon"'],
  ])("rejects a malformed %s as a configuration error (exit 2) before downloading anything", async (name, value, message) => {
    const env = { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: mkdtempSync(path.join(tmpdir(), "moa-models-")), [name]: value };
    hub.clearRequests();
    const result = await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${name}: ${message}`);
    expect(hub.requests).toEqual([]);
  });

  it("a continued thread says it keeps the thread's backend", async () => {
    const modelsDir = mkdtempSync(path.join(tmpdir(), "moa-models-"));
    const db = path.join(modelsDir, "runs.sqlite");
    const env = { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir };
    const first = await runCli(["run", "Hi", "--backend", "llamacpp", "--max-tokens", "4", "--db", db, "--thread", "kept", "--yes"], {
      env,
      timeoutMs: 120_000,
    });
    expect(first.code).toBe(0);
    const next = await runCli(["run", "And?", "--max-tokens", "4", "--db", db, "--thread", "kept"], {
      env: { ...env, OLLAMA_HOST: `127.0.0.1:${await unusedPort()}` },
      timeoutMs: 120_000,
    });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain("backend: llamacpp (kept from thread kept)");
  }, 240_000);
});

describe("Ollama backend", () => {
  let ollama: OllamaDouble;
  beforeAll(async () => {
    ollama = await startOllamaDouble({
      models: { "qwen2.5:1.5b": { reply: "proposal" } },
      pullable: {
        "llama3.2:1b": 3_000_000,
        "gemma2:2b": 4_000_000,
        "qwen2.5:3b": { totalBytes: 5_000_000, behavior: { reply: "aggregated" } },
      },
    });
  });
  afterAll(() => ollama.close());

  it("is chosen automatically when it answers, and --pull pulls the missing models with progress", async () => {
    const result = await runCli(["run", "Why?", "--no-persist", "--pull"], { env: { OLLAMA_HOST: ollama.url } });
    expect(result.stderr).toMatch(new RegExp(`backend: ollama \\(Ollama \\S+ answered at ${ollama.url}\\)`));
    expect(result.code).toBe(0);
    expect(ollama.pulls.map((p) => p.model).sort()).toEqual(["gemma2:2b", "llama3.2:1b", "qwen2.5:3b"]);
    expect(result.stderr).toMatch(/llama3\.2:1b.*100%/);
    expect(result.stderr).toMatch(/qwen2\.5:3b.*100%/);
    expect(result.stdout.trim()).toBe("aggregated");
  }, 60_000);

  it("names the model when a pull fails (exit 3)", async () => {
    const double = await startOllamaDouble({ models: {}, pullable: {} });
    try {
      const result = await runCli(["run", "Why?", "--no-persist", "--pull", "--backend", "ollama"], { env: { OLLAMA_HOST: double.url } });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/could not pull "qwen2\.5:1\.5b" from .*file does not exist/);
    } finally {
      await double.close();
    }
  });

  it("without --pull, says which models are missing and how to pull them", async () => {
    const double = await startOllamaDouble({ models: { "qwen2.5:3b": { reply: "agg" } } });
    try {
      const result = await runCli(["run", "Why?", "--no-persist"], { env: { OLLAMA_HOST: double.url } });
      expect(result.stderr).toContain("run again with --pull");
      expect(double.pulls).toHaveLength(0);
    } finally {
      await double.close();
    }
  });

  it("refuses --backend with a config file (exit 2)", async () => {
    const result = await runCli(["run", "Hi", "--config", "test/fixtures/tiny-llamacpp.yaml", "--backend", "ollama", "--no-persist"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--backend chooses the models of a preset");
  });
});

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GGUF_MODELS } from "../../../src/graphs/presetModels.js";
import { cachePathFor, parseHfUri } from "../../../src/models/providers/llamacpp/download/index.js";
import { formatBytes } from "../../../src/util/formatBytes.js";
import { hfFilePath, startFileServer, type FileServer } from "../../doubles/fileServer.js";
import { unusedPort } from "../../helpers/ports.js";
import { runCli } from "../../helpers/runCli.js";
import { runCliAtTerminal } from "../../helpers/runCliAtTerminal.js";

/** First runs on in-process models: every missing file is named before any byte is downloaded. */
const TINY_GGUF = readFileSync(path.resolve(import.meta.dirname, "../../../../shared/models/llama-2-tiny-random.gguf"));
// moa-lite on llama.cpp, in the order its agents are declared.
const MOA_LITE_FILES = [GGUF_MODELS.qwen05, GGUF_MODELS.smol360, GGUF_MODELS.llama1b, GGUF_MODELS.qwen15];

let hub: FileServer;
beforeAll(async () => {
  hub = await startFileServer({ files: Object.fromEntries(MOA_LITE_FILES.map((uri) => [hfFilePath(parseHfUri(uri)), TINY_GGUF])) });
});
afterAll(() => hub.close());
beforeEach(() => hub.clearRequests());

/** The lines naming each file of moa-lite: URL and size, then where it goes. */
function fileLines(endpoint: string, modelsDir: string, size?: number): string[] {
  return MOA_LITE_FILES.flatMap((uri) => {
    const source = parseHfUri(uri, { endpoint });
    return [
      `  ${source.url}${size !== undefined ? ` (${formatBytes(size)})` : ""}`,
      `    -> ${cachePathFor(source, { cacheDir: modelsDir })}`,
    ];
  });
}

const newModelsDir = (): string => mkdtempSync(path.join(tmpdir(), "moa-models-"));

describe("models to download on a first run", () => {
  it("in a script, lists every file with its URL, destination and size, and the total, then asks for --yes (exit 3)", async () => {
    const modelsDir = newModelsDir();
    const result = await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist"], {
      env: { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: modelsDir },
    });
    const total = formatBytes(4 * TINY_GGUF.length);
    expect(result.stderr.split("\n")).toEqual([
      "backend: llamacpp (chosen with --backend)",
      `to download: 4 model files, ${total} in all (cached for later runs; see \`moa models\`):`,
      ...fileLines(hub.url, modelsDir, TINY_GGUF.length),
      `moa: 4 model files, ${total} in all must be downloaded first; run again with --yes to download them`,
      "",
    ]);
    expect(result.code).toBe(3);
  });

  it("in a script, downloads nothing without --yes: the server only saw size requests", async () => {
    await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist"], { env: { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: newModelsDir() } });
    expect(hub.requests.map((r) => r.method)).toEqual(["HEAD", "HEAD", "HEAD", "HEAD"]);
  });

  it("reads the size from a one-byte range where the server does not answer HEAD", async () => {
    const noHead = await startFileServer({
      files: Object.fromEntries(MOA_LITE_FILES.map((uri) => [hfFilePath(parseHfUri(uri)), TINY_GGUF])),
      behavior: { noHead: true },
    });
    try {
      const result = await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist"], {
        env: { HF_ENDPOINT: noHead.url, MOA_MODELS_DIR: newModelsDir() },
      });
      expect(result.stderr).toContain(`to download: 4 model files, ${formatBytes(4 * TINY_GGUF.length)} in all`);
      expect(noHead.requests.filter((r) => r.method === "GET").map((r) => r.range)).toEqual(Array(4).fill("bytes=0-0"));
    } finally {
      await noHead.close();
    }
  });

  it("names the files the server refuses before downloading any (exit 3)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-missing-"));
    const config = path.join(dir, "moa.yaml");
    const missing = "hf:nobody/nothing/none.gguf";
    writeFileSync(config, `layers:\n  - agents: ["${MOA_LITE_FILES[0]}"]\naggregator: "${missing}"\n`);
    const result = await runCli(["run", "Hi", "--config", config, "--no-persist", "--yes"], {
      env: { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: newModelsDir() },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `moa: the model server refused these files (nothing was downloaded):\n  ${parseHfUri(missing, { endpoint: hub.url }).url}: HTTP 404 (check the owner, repo, revision and file name)\n`,
    );
    expect(hub.requests.filter((r) => r.method === "GET")).toEqual([]);
  });

  it("offline, one error lists every file and where to put it (exit 3)", async () => {
    const modelsDir = newModelsDir();
    const port = await unusedPort();
    const offline = `http://127.0.0.1:${port}`;
    const result = await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist", "--yes"], {
      env: { HF_ENDPOINT: offline, MOA_MODELS_DIR: modelsDir },
    });
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n")).toEqual([
      "backend: llamacpp (chosen with --backend)",
      `moa: cannot reach ${offline} to download 4 model files (connection refused (127.0.0.1:${port})).`,
      `Without internet, download each elsewhere and put it at the path shown (the model cache ${modelsDir}; MOA_MODELS_DIR sets another), then run again:`,
      ...fileLines(offline, modelsDir),
      'Or name GGUF files you already have in a topology file (model: "llamacpp:/path/to/file.gguf").',
      "",
    ]);
  });

  it("offline, files copied in by hand at the paths given are used without asking the network again", async () => {
    const modelsDir = newModelsDir();
    const offline = `http://127.0.0.1:${await unusedPort()}`;
    for (const uri of MOA_LITE_FILES) {
      const destination = cachePathFor(parseHfUri(uri), { cacheDir: modelsDir });
      mkdirSync(path.dirname(destination), { recursive: true });
      writeFileSync(destination, TINY_GGUF);
    }
    const result = await runCli(["run", "Hi", "--backend", "llamacpp", "--no-persist", "--max-tokens", "4"], {
      env: { HF_ENDPOINT: offline, MOA_MODELS_DIR: modelsDir },
      timeoutMs: 120_000,
    });
    expect(result.stderr).not.toContain("to download");
    expect(result.code).toBe(0);
  }, 180_000);
});

describe("models to download, at a terminal", () => {
  it("asks before downloading, and a no downloads nothing (exit 3)", async () => {
    const result = await runCliAtTerminal(["run", "Hi", "--backend", "llamacpp", "--no-persist"], {
      env: { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: newModelsDir() },
      input: "n\n",
    });
    expect(result.output).toContain("Download them now? [Y/n] ");
    expect(result.output).toContain("moa: the download was declined; nothing was downloaded\n");
    expect(result.code).toBe(3);
    expect(hub.requests.filter((r) => r.method === "GET")).toEqual([]);
  });

  it("does not ask for `moa models pull`, an explicit request", async () => {
    const result = await runCliAtTerminal(["models", "pull", "--preset", "moa-lite"], {
      env: { HF_ENDPOINT: hub.url, MOA_MODELS_DIR: newModelsDir() },
      input: "n\n",
    });
    expect(result.output).not.toContain("[Y/n]");
    expect(result.output).toContain("the models of moa-lite (llamacpp) are ready");
    expect(result.code).toBe(0);
  });
});

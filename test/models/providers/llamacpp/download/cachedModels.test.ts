import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureModelFile } from "../../../../../src/models/providers/llamacpp/download/ensureModelFile.js";
import { listCachedModels } from "../../../../../src/models/providers/llamacpp/download/listCachedModels.js";
import { removeCachedModels } from "../../../../../src/models/providers/llamacpp/download/removeCachedModels.js";
import { hfFilePath, pseudoRandomBytes, startFileServer, type FileServer } from "../../../../doubles/fileServer.js";

const SMALL = pseudoRandomBytes({ size: 120_000, seed: 1 });
const LARGE = pseudoRandomBytes({ size: 200_000, seed: 2 });

let server: FileServer;
let cacheDir: string;

beforeEach(async () => {
  server = await startFileServer({
    files: {
      [hfFilePath({ owner: "acme", repo: "small-GGUF", file: "small-q4.gguf" })]: SMALL,
      [hfFilePath({ owner: "acme", repo: "large-GGUF", file: "large-q8.gguf", revision: "v2" })]: LARGE,
    },
  });
  cacheDir = await mkdtemp(path.join(tmpdir(), "moa-cache-"));
  for (const source of ["hf:acme/small-GGUF/small-q4.gguf", "hf:acme/large-GGUF@v2/large-q8.gguf"]) {
    await ensureModelFile({ source, cacheDir, endpoint: server.url, env: {} });
  }
  // An unfinished download of a third model.
  const partialDir = path.join(cacheDir, "other", "half-GGUF", "main");
  await mkdir(partialDir, { recursive: true });
  writeFileSync(path.join(partialDir, "half.gguf.partial"), Buffer.alloc(5_000));
  // What the partial bytes were sent with (their ETag), kept beside them for a resume with If-Range.
  writeFileSync(path.join(partialDir, "half.gguf.partial.json"), '{"url":"http://127.0.0.1:9/x","validator":"\\"abc\\""}\n');
});

afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe("listCachedModels", () => {
  it("lists downloads with their URI, size and verification, and marks partial files", async () => {
    const models = await listCachedModels({ cacheDir });

    expect(models.map(({ uri, sizeBytes, verified, partial }) => ({ uri, sizeBytes, verified, partial }))).toEqual([
      { uri: "hf:acme/large-GGUF@v2/large-q8.gguf", sizeBytes: LARGE.length, verified: "sha256", partial: false },
      { uri: "hf:acme/small-GGUF/small-q4.gguf", sizeBytes: SMALL.length, verified: "sha256", partial: false },
      { uri: "hf:other/half-GGUF/half.gguf", sizeBytes: 5_000, verified: "none", partial: true },
    ]);
    expect(models[0]?.path).toBe(path.join(cacheDir, "acme", "large-GGUF", "v2", "large-q8.gguf"));
    expect(models[0]?.downloadedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(models[2]?.path.endsWith("half.gguf.partial")).toBe(true);
  });

  it("treats a missing cache folder as empty", async () => {
    expect(await listCachedModels({ cacheDir: path.join(cacheDir, "nope") })).toEqual([]);
  });
});

describe("removeCachedModels", () => {
  it("removes by a piece of the file name, with the manifest and empty folders", async () => {
    const { removed, freedBytes } = await removeCachedModels({ match: "SMALL-q4", cacheDir });

    expect(removed.map((m) => m.uri)).toEqual(["hf:acme/small-GGUF/small-q4.gguf"]);
    expect(freedBytes).toBe(SMALL.length);
    expect(existsSync(path.join(cacheDir, "acme", "small-GGUF"))).toBe(false);
    expect((await listCachedModels({ cacheDir })).map((m) => m.uri)).toEqual([
      "hf:acme/large-GGUF@v2/large-q8.gguf",
      "hf:other/half-GGUF/half.gguf",
    ]);
  });

  it("removes by full hf: URI, ignoring a sha256 pin", async () => {
    const { removed } = await removeCachedModels({ match: `hf:acme/large-GGUF@v2/large-q8.gguf#sha256=${"0".repeat(64)}`, cacheDir });

    expect(removed.map((m) => m.uri)).toEqual(["hf:acme/large-GGUF@v2/large-q8.gguf"]);
    expect(await removeCachedModels({ match: "hf:acme/large-GGUF/large-q8.gguf", cacheDir })).toEqual({ removed: [], freedBytes: 0 });
  });

  it("removes partial downloads too, and everything with all", async () => {
    expect((await removeCachedModels({ match: "half", cacheDir })).freedBytes).toBe(5_000);

    const { removed, freedBytes } = await removeCachedModels({ all: true, cacheDir });

    expect(removed).toHaveLength(2);
    expect(freedBytes).toBe(SMALL.length + LARGE.length);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it("refuses an empty pattern", async () => {
    await expect(removeCachedModels({ match: " ", cacheDir })).rejects.toThrow("needs a file name or hf: URI");
  });

  describe("symlinks inside the cache", () => {
    let outside: string;
    beforeEach(async () => {
      // A folder outside the cache with files laid out like cached models, and links to it from inside.
      outside = await mkdtemp(path.join(tmpdir(), "moa-outside-"));
      await mkdir(path.join(outside, "repo-GGUF", "main"), { recursive: true });
      writeFileSync(path.join(outside, "repo-GGUF", "main", "victim.gguf"), "keep me");
      writeFileSync(path.join(outside, "repo-GGUF", "main", "victim.gguf.json"), "{}");
      writeFileSync(path.join(outside, "target.gguf"), "keep me too");
      await symlink(outside, path.join(cacheDir, "evil"));
      await mkdir(path.join(cacheDir, "acme", "link-GGUF", "main"), { recursive: true });
      await symlink(path.join(outside, "target.gguf"), path.join(cacheDir, "acme", "link-GGUF", "main", "linked.gguf"));
    });
    afterEach(() => rm(outside, { recursive: true, force: true }));

    const outsideSurvives = (): void => {
      expect(readFileSync(path.join(outside, "repo-GGUF", "main", "victim.gguf"), "utf8")).toBe("keep me");
      expect(existsSync(path.join(outside, "repo-GGUF", "main", "victim.gguf.json"))).toBe(true);
      expect(readFileSync(path.join(outside, "target.gguf"), "utf8")).toBe("keep me too");
    };

    it("does not list or remove files behind a symlinked folder", async () => {
      expect((await listCachedModels({ cacheDir })).map((m) => m.uri)).not.toContain("hf:evil/repo-GGUF/victim.gguf");
      expect((await removeCachedModels({ match: "victim", cacheDir })).removed).toEqual([]);
      outsideSurvives();
    });

    it("unlinks a symlinked model file, never its target, and removes nothing outside with all", async () => {
      const { removed, freedBytes } = await removeCachedModels({ all: true, cacheDir });

      expect(removed.map((m) => m.uri)).toContain("hf:acme/link-GGUF/linked.gguf");
      expect(freedBytes).toBe(SMALL.length + LARGE.length + 5_000);
      expect(existsSync(path.join(cacheDir, "acme", "link-GGUF"))).toBe(false);
      outsideSurvives();
    });
  });
});

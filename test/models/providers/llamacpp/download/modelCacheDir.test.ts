import path from "node:path";
import { describe, expect, it } from "vitest";
import { cachePathFor, modelCacheDir } from "../../../../../src/models/providers/llamacpp/download/modelCacheDir.js";
import { ModelSourceError, parseHfUri } from "../../../../../src/models/providers/llamacpp/download/parseHfUri.js";

describe("modelCacheDir", () => {
  it("prefers MOA_MODELS_DIR, then an absolute XDG_CACHE_HOME", () => {
    expect(modelCacheDir({ env: { MOA_MODELS_DIR: "/data/models", XDG_CACHE_HOME: "/x" }, platform: "linux", homeDir: "/home/ada" })).toBe(
      "/data/models",
    );
    expect(modelCacheDir({ env: { XDG_CACHE_HOME: "/x/cache" }, platform: "darwin", homeDir: "/Users/ada" })).toBe(
      "/x/cache/langgraph-moa/models",
    );
    expect(modelCacheDir({ env: { XDG_CACHE_HOME: "relative" }, platform: "linux", homeDir: "/home/ada" })).toBe(
      "/home/ada/.cache/langgraph-moa/models",
    );
  });

  it("uses each platform's user cache folder", () => {
    expect(modelCacheDir({ env: {}, platform: "linux", homeDir: "/home/ada" })).toBe("/home/ada/.cache/langgraph-moa/models");
    expect(modelCacheDir({ env: {}, platform: "darwin", homeDir: "/Users/ada" })).toBe("/Users/ada/Library/Caches/langgraph-moa/models");
    expect(modelCacheDir({ env: { LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }, platform: "win32", homeDir: "C:\\Users\\ada" })).toBe(
      "C:\\Users\\ada\\AppData\\Local\\langgraph-moa\\Cache\\models",
    );
    expect(modelCacheDir({ env: {}, platform: "win32", homeDir: "C:\\Users\\ada" })).toBe(
      "C:\\Users\\ada\\AppData\\Local\\langgraph-moa\\Cache\\models",
    );
  });
});

describe("cachePathFor", () => {
  it("lays files out as <owner>/<repo>/<revision>/<file>", () => {
    const source = parseHfUri("hf:Qwen/Qwen2.5-GGUF@v1/sub/m.gguf", { env: {} });
    expect(cachePathFor(source, { cacheDir: "/c" })).toBe(path.join("/c", "Qwen", "Qwen2.5-GGUF", "v1", "sub", "m.gguf"));
  });

  it("replaces unsafe characters in segments", () => {
    expect(cachePathFor({ owner: "a", repo: "b", revision: "refs/pr/1", file: "my model:q4.gguf" }, { cacheDir: "/c" })).toBe(
      path.join("/c", "a", "b", "refs_pr_1", "my_model_q4.gguf"),
    );
  });

  it("refuses segments that would climb out of the cache", () => {
    expect(() => cachePathFor({ owner: "..", repo: "b", revision: "main", file: "m.gguf" }, { cacheDir: "/c" })).toThrow(ModelSourceError);
    expect(() => cachePathFor({ owner: "a", repo: "b", revision: "main", file: "../../etc/m.gguf" }, { cacheDir: "/c" })).toThrow(
      'refusing cache path segment ".." in a/b@main/../../etc/m.gguf; names must not be empty, "." or ".."',
    );
  });
});

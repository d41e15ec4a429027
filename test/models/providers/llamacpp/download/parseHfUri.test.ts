import { describe, expect, it } from "vitest";
import { formatHfUri, ModelSourceError, parseHfUri } from "../../../../../src/models/providers/llamacpp/download/parseHfUri.js";

const FORM = "hf:<owner>/<repo>[@<revision>]/<path/to/file.gguf>[#sha256=<64 hex digits>]";
const SHA = "ab".repeat(32);

describe("parseHfUri", () => {
  it("parses owner, repo and file with the default revision and endpoint", () => {
    expect(parseHfUri("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf", { env: {} })).toEqual({
      owner: "Qwen",
      repo: "Qwen2.5-0.5B-Instruct-GGUF",
      revision: "main",
      file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
      url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
    });
  });

  it("reads a revision, a nested file path and a pinned sha256 (lowercased)", () => {
    const source = parseHfUri(`hf:a/b@v1.2/sub/dir/m.gguf#sha256=${SHA.toUpperCase()}`, { env: {} });
    expect(source).toEqual({
      owner: "a",
      repo: "b",
      revision: "v1.2",
      file: "sub/dir/m.gguf",
      sha256: SHA,
      url: "https://huggingface.co/a/b/resolve/v1.2/sub/dir/m.gguf",
    });
  });

  it("takes the endpoint from HF_ENDPOINT, trimming trailing slashes; an explicit endpoint wins", () => {
    expect(parseHfUri("hf:a/b/m.gguf", { env: { HF_ENDPOINT: "https://hf-mirror.com//" } }).url).toBe(
      "https://hf-mirror.com/a/b/resolve/main/m.gguf",
    );
    expect(parseHfUri("hf:a/b/m.gguf", { endpoint: "http://127.0.0.1:9/", env: { HF_ENDPOINT: "https://x" } }).url).toBe(
      "http://127.0.0.1:9/a/b/resolve/main/m.gguf",
    );
  });

  it("percent-encodes path segments in the URL but not in the file", () => {
    const source = parseHfUri("hf:a/b/my model.gguf", { env: {} });
    expect(source.file).toBe("my model.gguf");
    expect(source.url).toBe("https://huggingface.co/a/b/resolve/main/my%20model.gguf");
  });

  it.each([
    ["Qwen/x/m.gguf", `model source "Qwen/x/m.gguf" does not start with "hf:"; expected "${FORM}"`],
    [
      "hf:a/b/model.bin",
      `model source "hf:a/b/model.bin" names "model.bin", which is not a .gguf file (the file must end in ".gguf"); expected "${FORM}"`,
    ],
    ["hf:a", `model source "hf:a" needs both an owner and a repo; expected "${FORM}"`],
    ["hf:/b/m.gguf", `model source "hf:/b/m.gguf" needs both an owner and a repo; expected "${FORM}"`],
    ["hf:a/b", `model source "hf:a/b" names no file after "a/b"; expected "${FORM}"`],
    [
      "hf:a/b/m.gguf#sha256=abc",
      `model source "hf:a/b/m.gguf#sha256=abc" has a bad sha256 "abc" (it must be 64 hex digits); expected "${FORM}"`,
    ],
    [
      "hf:a/b/m.gguf#md5=abc",
      `model source "hf:a/b/m.gguf#md5=abc" has an unknown suffix "#md5=abc" (only "#sha256=<64 hex digits>" is understood); expected "${FORM}"`,
    ],
    [
      "hf:a/b@/m.gguf",
      `model source "hf:a/b@/m.gguf" has a bad revision "" after "@" (a branch, tag or commit without "/"); expected "${FORM}"`,
    ],
    [
      "hf:a/b/../m.gguf",
      `model source "hf:a/b/../m.gguf" has a bad file path "../m.gguf" (empty, "." or ".." segment); expected "${FORM}"`,
    ],
    ["hf:a b/c/m.gguf", `model source "hf:a b/c/m.gguf" has a bad owner "a b"; expected "${FORM}"`],
  ])("rejects %s", (uri, message) => {
    expect(() => parseHfUri(uri, { env: {} })).toThrow(new ModelSourceError(message));
    expect(() => parseHfUri(uri, { env: {} })).toThrow(ModelSourceError);
  });

  it("rejects an endpoint that is not an http(s) URL, naming where it came from", () => {
    expect(() => parseHfUri("hf:a/b/m.gguf", { env: { HF_ENDPOINT: "ftp://mirror" } })).toThrow(
      'HF_ENDPOINT "ftp://mirror" is not a usable Hugging Face address; expected an http(s) URL such as "https://huggingface.co"',
    );
  });

  it("formats back to the URI, leaving out @main", () => {
    expect(formatHfUri(parseHfUri("hf:a/b/m.gguf", { env: {} }))).toBe("hf:a/b/m.gguf");
    expect(formatHfUri(parseHfUri(`hf:a/b@dev/x/m.gguf#sha256=${SHA}`, { env: {} }))).toBe(`hf:a/b@dev/x/m.gguf#sha256=${SHA}`);
  });
});

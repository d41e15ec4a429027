import { MoAError } from "../../../../errors/MoAError.js";
import type { Environment } from "../../../../util/environment.js";
/** A GGUF file in a Hugging Face repository, as named by an `hf:` URI. */
export interface HfSource {
  owner: string;
  repo: string;
  /** Branch, tag or commit; `main` unless the URI says `@<revision>`. */
  revision: string;
  /** Path of the file inside the repository, e.g. `qwen2.5-0.5b-instruct-q4_k_m.gguf`. */
  file: string;
  /** Pinned checksum (lowercase hex) from a `#sha256=` suffix; it wins over the one the server publishes. */
  sha256?: string;
  /** Where the file is downloaded from: `<endpoint>/<owner>/<repo>/resolve/<revision>/<file>`. */
  url: string;
}

/** Options of {@link parseHfUri}. */
export interface ParseHfUriOptions {
  /** Hub address; defaults to `HF_ENDPOINT` (the Hugging Face convention for mirrors), then `https://huggingface.co`. */
  endpoint?: string;
  env?: Environment;
}

/** Thrown when an `hf:` model source cannot be understood. */
export class ModelSourceError extends MoAError {
  constructor(message: string) {
    super(message, { code: "invalid_model_source", category: "config" });
    this.name = "ModelSourceError";
  }
}

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";
export const HF_URI_FORM = "hf:<owner>/<repo>[@<revision>]/<path/to/file.gguf>[#sha256=<64 hex digits>]";

// Hugging Face names: letters, digits, "-", "_" and "."; a leading "." or "-" is not allowed there either.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Revisions with "/" (e.g. refs/pr/1) would make "@<rev>/<file>" ambiguous, so they are not accepted.
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Parses `hf:<owner>/<repo>[@<revision>]/<path/to/file.gguf>[#sha256=<hex>]` and builds its
 * download URL. Every error names the bad part and the expected form.
 *
 * @example
 * parseHfUri("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf");
 * // { owner: "Qwen", repo: "Qwen2.5-0.5B-Instruct-GGUF", revision: "main", file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
 * //   url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf" }
 * parseHfUri("hf:a/b@v1.0/sub/m.gguf#sha256=" + "0".repeat(64), { endpoint: "http://127.0.0.1:8080" });
 */
export function parseHfUri(uri: string, { endpoint, env = process.env }: ParseHfUriOptions = {}): HfSource {
  const fail: (problem: string) => never = (problem) => {
    throw new ModelSourceError(`model source "${uri}" ${problem}; expected "${HF_URI_FORM}"`);
  };
  const trimmed = uri.trim();
  if (!/^hf:/i.test(trimmed)) fail(`does not start with "hf:"`);
  let rest = trimmed.slice(3);
  let sha256: string | undefined;
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    const fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    const match = /^sha256=(.*)$/i.exec(fragment);
    if (!match) fail(`has an unknown suffix "#${fragment}" (only "#sha256=<64 hex digits>" is understood)`);
    const digest = match[1] ?? "";
    if (!SHA256.test(digest)) fail(`has a bad sha256 "${digest}" (it must be 64 hex digits)`);
    sha256 = digest.toLowerCase();
  }
  const parts = rest.split("/");
  const owner = parts[0] ?? "";
  let repo = parts[1] ?? "";
  let revision = "main";
  const at = repo.indexOf("@");
  if (at >= 0) {
    revision = repo.slice(at + 1);
    repo = repo.slice(0, at);
    if (!REVISION.test(revision)) fail(`has a bad revision "${revision}" after "@" (a branch, tag or commit without "/")`);
  }
  if (owner === "" || repo === "") fail("needs both an owner and a repo");
  if (!NAME.test(owner)) fail(`has a bad owner "${owner}"`);
  if (!NAME.test(repo)) fail(`has a bad repo "${repo}"`);
  const fileParts = parts.slice(2);
  const file = fileParts.join("/");
  if (file === "") fail(`names no file after "${owner}/${repo}"`);
  for (const part of fileParts) {
    if (part === "" || part === "." || part === "..") fail(`has a bad file path "${file}" (empty, "." or ".." segment)`);
    if (part.includes("\\")) fail(`has a bad file path "${file}" (use "/" between folders)`);
  }
  if (!/\.gguf$/i.test(file)) fail(`names "${file}", which is not a .gguf file (the file must end in ".gguf")`);
  const base = resolveEndpoint(
    endpoint ?? (env.HF_ENDPOINT || undefined) ?? DEFAULT_HF_ENDPOINT,
    endpoint !== undefined ? "endpoint" : "HF_ENDPOINT",
  );
  const encoded = [owner, repo, "resolve", revision, ...fileParts].map(encodeURIComponent).join("/");
  const source: HfSource = { owner, repo, revision, file, url: `${base}/${encoded}` };
  if (sha256) source.sha256 = sha256;
  return source;
}

/**
 * Formats a source back to its `hf:` URI (`@main` is left out; the sha256 suffix only when pinned).
 *
 * @example
 * formatHfUri({ owner: "a", repo: "b", revision: "main", file: "m.gguf" }); // "hf:a/b/m.gguf"
 */
export function formatHfUri({ owner, repo, revision, file, sha256 }: Omit<HfSource, "url">): string {
  const rev = revision === "main" ? "" : `@${revision}`;
  return `hf:${owner}/${repo}${rev}/${file}${sha256 ? `#sha256=${sha256}` : ""}`;
}

function resolveEndpoint(raw: string, origin: string): string {
  const value = raw.trim().replace(/\/+$/, "");
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new ModelSourceError(
      `${origin} "${raw}" is not a usable Hugging Face address; expected an http(s) URL such as "${DEFAULT_HF_ENDPOINT}"`,
    );
  }
  return value;
}

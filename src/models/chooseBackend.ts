import { UsageError } from "../errors/UsageError.js";
import { modelProvider, modelProviders, presetBackends } from "./providers/registry.js";
import type { Environment } from "../util/environment.js";

/** What `--backend` accepts: a provider presets can run on, or `auto` to pick one. */
export type BackendChoice = string;

/** The choices of `--backend`: `auto` and every provider presets can run on. */
export function backendChoices(): string[] {
  return ["auto", ...presetBackends().map((p) => p.name)];
}

/** The backend chosen, and the one-line reason shown to the user. */
export interface ChosenBackend {
  backend: string;
  reason: string;
  /**
   * Backends the environment names explicitly that `auto` passed over, each with the setting that
   * names it (`OLLAMA_HOST`) and why: the user meant to use them, so the caller should say so and
   * confirm the fallback.
   */
  passedOverConfigured?: Array<{ backend: string; setting: string; reason: string }>;
}

/** Options of {@link chooseBackend}. */
export interface ChooseBackendOptions {
  /** A provider's name, or `auto` (the default). */
  requested?: BackendChoice;
  /** Where providers look for their servers (`OLLAMA_HOST`, ...). */
  env?: Environment;
  /** How long a server may take to answer its probe. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Picks where a preset's models run. `auto` asks each provider that can detect itself, in
 * registration order (a running Ollama server, else llama.cpp in-process, which needs nothing
 * installed) and takes the first that is available; the reason says why the others were passed over.
 *
 * @example
 * const { backend, reason } = await chooseBackend({ requested: "auto" });
 * console.error(`backend: ${backend} (${reason})`);
 */
export async function chooseBackend({
  requested = "auto",
  env = process.env,
  timeoutMs = 1500,
  fetch: fetchImpl = fetch,
}: ChooseBackendOptions = {}): Promise<ChosenBackend> {
  if (requested !== "auto") {
    const provider = modelProvider(requested);
    if (!provider?.presets)
      throw new UsageError(
        `--backend: expected one of ${backendChoices()
          .map((c) => `"${c}"`)
          .join(", ")}, got "${requested}"`,
      );
    return { backend: provider.name, reason: "chosen with --backend" };
  }
  const passedOver: string[] = [];
  const configured: NonNullable<ChosenBackend["passedOverConfigured"]> = [];
  for (const provider of modelProviders()) {
    if (!provider.presets || !provider.detect) continue;
    const found = await provider.detect({ env, timeoutMs, fetch: fetchImpl });
    if (found.available)
      return {
        backend: provider.name,
        reason: [...passedOver, found.reason].join("; "),
        ...(configured.length > 0 ? { passedOverConfigured: configured } : {}),
      };
    passedOver.push(found.reason);
    if (found.configured) configured.push({ backend: provider.name, setting: found.configured, reason: found.reason });
  }
  throw new UsageError(`no backend can run the presets here (${passedOver.join("; ")}); choose one with --backend`);
}

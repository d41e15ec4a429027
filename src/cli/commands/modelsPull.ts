import { loadConfig } from "../../graphs/loadConfig.js";
import { prepareModels } from "../../models/prepareModels.js";
import { terminalPrepareContext } from "../terminalPrepareContext.js";

/** Options of `moa models pull`. */
export interface ModelsPullCommandOptions {
  preset: string;
  /** The provider whose models to fetch: GGUF downloads (`llamacpp`) or Ollama pulls (`ollama`). */
  backend: string;
  signal?: AbortSignal | undefined;
  stderr?: NodeJS.WritableStream;
}

/**
 * `moa models pull`: fetches a preset's models ahead of a run (GGUF files into the model cache, or
 * pulls on the Ollama server), with progress; an unreachable server is an error here.
 *
 * @example
 * await modelsPullCommand({ preset: "moa-lite", backend: "llamacpp" });
 */
export async function modelsPullCommand({ preset, backend, signal, stderr = process.stderr }: ModelsPullCommandOptions): Promise<void> {
  const topology = loadConfig({ preset, backend });
  const agents = [...topology.requirements.flat(), ...topology.optional];
  await prepareModels({ agents, context: terminalPrepareContext({ pull: true, strict: true, stderr, signal }) });
  stderr.write(`the models of ${preset} (${backend}) are ready\n`);
}

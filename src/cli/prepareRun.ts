import type { ModelFactory } from "../config/ResolvedAgent.js";
import { RunInterruptedError } from "../errors/RunInterruptedError.js";
import { backendWarnings } from "../models/backendWarnings.js";
import { BackendUnavailableError, checkBackends, PreflightShortfallError, type PreflightResult } from "../models/checkBackends.js";
import { createChatModel } from "../models/createChatModel.js";
import { ModelsNotReadyError } from "../models/ModelsNotReadyError.js";
import { prepareModels } from "../models/prepareModels.js";
import { UnavailableChatModel } from "../models/UnavailableChatModel.js";
import type { ResolvedTopology } from "../graphs/resolvedTopology.js";
import { terminalPrepareContext } from "./terminalPrepareContext.js";
import { userMessage } from "./terminalText.js";

/** Options of {@link prepareRun}. */
export interface PrepareRunOptions {
  topology: ResolvedTopology;
  /** Fetch missing models without asking (Ollama pulls, GGUF downloads): `--pull` or `--yes`. */
  pull: boolean;
  /** Probe every backend before the run (`--no-check` turns it off). */
  check: boolean;
  /** The backend the topology's presets run on; absent when it names its own models (`--backend` would be refused). */
  presetBackend?: string | undefined;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal | undefined;
}

/**
 * Before the first model call: every provider prepares its models (pulls, downloads, memory), then
 * the pre-flight probes the backends. A topology that cannot answer stops here (exit 3), also when a
 * layer keeps fewer usable agents than its `minSuccessful`; agents that will fail are named with their
 * fix, and the model factory returned leaves them out: their calls fail at once with that reason,
 * without a request (a hanging server would otherwise cost its whole timeout).
 *
 * @example
 * const modelFactory = await prepareRun({ topology, pull: false, check: true, stderr: process.stderr });
 * const graph = buildTopologyGraph({ topology, modelFactory });
 */
export async function prepareRun({ topology, pull, check, presetBackend, stderr, signal }: PrepareRunOptions): Promise<ModelFactory> {
  const agents = [...topology.requirements.flat(), ...topology.optional];
  for (const line of backendWarnings({ agents })) stderr.write(`warning: ${userMessage({ text: line, stream: stderr })}\n`);
  try {
    await prepareModels({ agents, context: terminalPrepareContext({ pull, stderr, signal }) });
  } catch (error) {
    // Ctrl-C is an interruption, whichever transfer it cut short.
    if (signal?.aborted || error instanceof RunInterruptedError)
      throw new RunInterruptedError("partial downloads are kept and resume on the next run");
    throw error;
  }
  if (!check) return createChatModel;
  const preflight = await checkBackends(topology);
  if (!preflight.runnable) {
    if (preflight.shortfalls.some((s) => s.usable.length === 0)) throw new BackendUnavailableError(preflight.problems, { presetBackend });
    throw new PreflightShortfallError(preflight.shortfalls, preflight.problems);
  }
  for (const problem of preflight.problems) {
    const text = `${problem.backend} ${problem.target}: ${problem.reason}; ${problem.agents.join(", ")} left out of the run (fix: ${problem.fix})`;
    stderr.write(`warning: ${userMessage({ text, stream: stderr })}\n`);
  }
  return leavingOut(preflight);
}

// Agents the pre-flight found unusable get a model that fails at once, recorded like any failed call.
function leavingOut(preflight: PreflightResult): ModelFactory {
  if (preflight.problems.length === 0) return createChatModel;
  return (agent) => {
    const problem = preflight.problemOf(agent);
    if (!problem) return createChatModel(agent);
    return new UnavailableChatModel(
      new ModelsNotReadyError(`left out before the run: ${problem.backend} ${problem.target}: ${problem.reason}`, { fix: problem.fix }),
    );
  };
}

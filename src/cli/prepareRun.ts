import { RunInterruptedError } from "../errors/RunInterruptedError.js";
import { backendWarnings } from "../models/backendWarnings.js";
import { BackendUnavailableError, checkBackends } from "../models/checkBackends.js";
import { prepareModels } from "../models/prepareModels.js";
import type { ResolvedTopology } from "../graphs/resolvedTopology.js";
import { terminalPrepareContext } from "./terminalPrepareContext.js";
import { userMessage } from "./terminalText.js";

/** Options of {@link prepareRun}. */
export interface PrepareRunOptions {
  topology: ResolvedTopology;
  /** Pull missing Ollama models without asking. */
  pull: boolean;
  /** Probe every backend before the run (`--no-check` turns it off). */
  check: boolean;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal | undefined;
}

/**
 * Before the first model call: every provider prepares its models (pulls, downloads, memory), then
 * the pre-flight probes the backends. A topology that cannot answer stops here (exit 3); agents that
 * will fail are named with their fix.
 *
 * @example
 * await prepareRun({ topology, pull: false, check: true, stderr: process.stderr });
 */
export async function prepareRun({ topology, pull, check, stderr, signal }: PrepareRunOptions): Promise<void> {
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
  if (!check) return;
  const { problems, runnable } = await checkBackends(topology);
  if (!runnable) throw new BackendUnavailableError(problems);
  for (const problem of problems) {
    const text = `${problem.backend} ${problem.target}: ${problem.reason}; ${problem.agents.join(", ")} will fail and be left out (fix: ${problem.fix})`;
    stderr.write(`warning: ${userMessage({ text, stream: stderr })}\n`);
  }
}

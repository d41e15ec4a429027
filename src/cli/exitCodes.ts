import { EXIT_CODES } from "../errors/MoAError.js";

/** Process exit codes of the `moa` CLI (documented in the README); errors map through their category. */
export const EXIT = {
  ok: 0,
  /** The run started but could not produce an answer (a whole layer or the aggregator failed). */
  runFailed: EXIT_CODES.run,
  /** Bad command line or configuration. */
  usage: EXIT_CODES.usage,
  /** A backend, model file, memory or the run database is not usable. */
  environment: EXIT_CODES.environment,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: EXIT_CODES.interrupted,
  /**
   * The reader of stdout went away (`moa run ... | head -1`): 128 + SIGPIPE (13), what a shell
   * reports for a program a closed pipe stopped, so `set -o pipefail` scripts notice. A closed stderr
   * alone loses only messages and does not change the exit code.
   */
  outputClosed: 141,
} as const;

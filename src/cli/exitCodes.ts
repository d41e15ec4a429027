/** Process exit codes of the `moa` CLI (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The run started but could not produce an answer (a whole layer or the aggregator failed). */
  runFailed: 1,
  /** Bad command line or configuration. */
  usage: 2,
  /** No model backend the topology needs is reachable. */
  backendUnavailable: 3,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 130,
} as const;

const closed = new AbortController();
const closedStreams: Array<"stdout" | "stderr"> = [];

/**
 * Keeps a closed stdout or stderr (EPIPE when the reader of a pipe exits) from crashing the process
 * with an unhandled `'error'` event. A closed stdout also aborts {@link outputClosedSignal}: nobody
 * reads the answer any more, so a run stops the way Ctrl-C stops it (checkpointed, resumable). A
 * closed stderr only loses messages: the answer is still being read. Call once at start-up.
 *
 * @example
 * watchOutput({ stdout: process.stdout, stderr: process.stderr });
 */
export function watchOutput({ stdout, stderr }: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): void {
  // Any write error means nothing more can be shown there; EPIPE is the usual one.
  const onError = (name: "stdout" | "stderr") => () => {
    if (!closedStreams.includes(name)) closedStreams.push(name);
    if (name === "stdout" && !closed.signal.aborted) closed.abort(new DOMException("stdout was closed", "AbortError"));
  };
  stdout.on("error", onError("stdout"));
  stderr.on("error", onError("stderr"));
}

/** Aborts when stdout closes. */
export function outputClosedSignal(): AbortSignal {
  return closed.signal;
}

/** Which of the watched streams closed, in order. */
export function closedOutputs(): ReadonlyArray<"stdout" | "stderr"> {
  return closedStreams;
}

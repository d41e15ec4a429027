const closed = new AbortController();
const closedStreams: string[] = [];

/**
 * Keeps a closed stdout or stderr (EPIPE when the reader of a pipe exits) from crashing the process
 * with an unhandled `'error'` event: the stream is marked closed and {@link outputClosedSignal}
 * aborts, so a run stops the way Ctrl-C stops it (checkpointed, resumable). Call once at start-up.
 *
 * @example
 * watchOutput({ streams: { stdout: process.stdout, stderr: process.stderr } });
 */
export function watchOutput({ streams }: { streams: Record<string, NodeJS.WritableStream> }): void {
  for (const [name, stream] of Object.entries(streams)) {
    // Any write error means nothing more can be shown there; EPIPE is the usual one.
    stream.on("error", () => {
      if (!closedStreams.includes(name)) closedStreams.push(name);
      if (!closed.signal.aborted) closed.abort(new DOMException(`${name} was closed`, "AbortError"));
    });
  }
}

/** Aborts when a watched output stream closes. */
export function outputClosedSignal(): AbortSignal {
  return closed.signal;
}

/** The names of the watched streams that closed (`stdout`, `stderr`), in order. */
export function closedOutputs(): readonly string[] {
  return closedStreams;
}

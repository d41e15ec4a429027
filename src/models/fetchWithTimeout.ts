/**
 * A `fetch` whose every request is aborted after `timeoutMs`. ChatOllama checks its call signal only
 * between stream chunks, so without this a server that stops answering would hold a socket forever.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}

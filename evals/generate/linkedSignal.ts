/**
 * A signal for one item that follows `parent`, and a `dispose` that detaches it. Passing the run's own
 * signal to every item's calls would pile up one abort listener per call on it (thousands on MMLU).
 *
 * @example
 * const item = linkedSignal({ parent: signal });
 * try { await responder.answer({ turns, signal: item.signal }); } finally { item.dispose(); }
 */
export function linkedSignal({ parent }: { parent: AbortSignal | undefined }): { signal: AbortSignal | undefined; dispose(): void } {
  if (!parent) return { signal: undefined, dispose() {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener("abort", onAbort) };
}

/**
 * A model reference as a table shows it: whole when it fits in `max` characters, else its provider prefix, an
 * ellipsis and the tail that tells models apart (the repository and file name of an `hf:` URI, the path end of
 * a URL), cut at a `/` when one falls inside the tail; of `name@<server URL>`, the name and as much of the URL's
 * end as fits. Tables stay within 100 columns this way.
 *
 * @example
 * shortModelRef({ ref: "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", max: 40 });
 * // "hf:…/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf"
 */
export function shortModelRef({ ref, max = 40 }: { ref: string; max?: number }): string {
  if (ref.length <= max) return ref;
  // In `name@<server URL>` the name tells agents apart, and several agents often share one server: the name
  // stays, the URL gives way.
  const served = /^(.+?)@([a-z][a-z0-9+.-]*:\/\/.*)$/i.exec(ref);
  if (served) {
    const [, name = "", server = ""] = served;
    if (name.length + 2 > max) return `${shortRef(name, max - 2)}@…`;
    const room = max - name.length - 2;
    return room >= MIN_SERVER_TAIL ? `${name}@…${server.slice(-room)}` : `${name}@…`;
  }
  return shortRef(ref, max);
}

// Fewer characters of a URL than this say nothing useful (`…/v1`).
const MIN_SERVER_TAIL = 8;

function shortRef(ref: string, max: number): string {
  if (ref.length <= max) return ref;
  const prefix = /^[a-z][a-z0-9+-]{0,15}:/i.exec(ref)?.[0] ?? "";
  const budget = Math.max(1, max - prefix.length - 1);
  let tail = ref.slice(-budget);
  const slash = tail.indexOf("/");
  // Start at a path boundary when that keeps the file name whole; a file name longer than the budget is cut.
  if (slash > 0 && slash < tail.length - 1) tail = tail.slice(slash);
  return `${prefix}…${tail}`;
}

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

// Fewer characters of a file name's start than this tell no models apart.
const MIN_NAME_PART = 4;
// An end shorter than this is little more than the extension.
const MIN_END = 8;

// Fewer characters of a URL than this say nothing useful (`…/v1`).
const MIN_SERVER_TAIL = 8;

function shortRef(ref: string, max: number): string {
  if (ref.length <= max) return ref;
  const prefix = /^[a-z][a-z0-9+-]{0,15}:/i.exec(ref)?.[0] ?? "";
  const budget = Math.max(1, max - prefix.length - 1);
  const tail = ref.slice(-budget);
  const slash = tail.indexOf("/");
  // Start at a path boundary when that keeps the file name whole.
  if (slash > 0 && slash < tail.length - 1) return `${prefix}…${tail.slice(slash)}`;
  // A file name longer than the budget keeps its start (the model's name and size) and its end (the
  // quantisation): `qwen2.5-0.5b…q4_k_m.gguf` and `qwen2.5-1.5b…q4_k_m.gguf` stay apart.
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  if (name.length > budget && budget >= 2 * MIN_NAME_PART + 2) {
    const room = budget - 2; // "/" and the inner "…"
    // Too narrow for both ends: the start tells models apart better than the quantisation does.
    if (room < 2.5 * MIN_END) return `${prefix}…/${name.slice(0, room)}…`;
    const end = Math.max(MIN_END, Math.floor(room / 3));
    return `${prefix}…/${name.slice(0, room - end)}…${name.slice(name.length - end)}`;
  }
  return `${prefix}…${tail}`;
}

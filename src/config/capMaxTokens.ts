/**
 * A copy of a topology config in which no agent generates more than `limit` tokens: every
 * `maxTokens` above it is lowered, and the topology gets it as its default, so agents without a
 * setting are capped too. Backs `moa run --max-tokens`. Stages are left as written (`{ file }` and
 * `{ preset }` must stay recognisable): the loader caps each one when it resolves it.
 *
 * @example
 * capMaxTokens({ layers: [{ agents: ["ollama:a"] }], aggregator: { model: "ollama:b", maxTokens: 1024 } }, 64);
 * // { layers: [...], aggregator: { model: "ollama:b", maxTokens: 64 }, defaults: { maxTokens: 64 } }
 */
export function capMaxTokens<T>(config: T, limit: number): T {
  return cap(config, limit, true) as T;
}

function cap(value: unknown, limit: number, isTopology: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => cap(item, limit, false));
  if (!value || typeof value !== "object" || !isPlainObject(value)) return value;
  const entries = Object.entries(value).map(([key, item]) => {
    if (key === "maxTokens" && typeof item === "number") return [key, Math.min(item, limit)];
    if (key === "stage") return [key, item];
    return [key, cap(item, limit, false)];
  });
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  if (isTopology || "layers" in copy || "experts" in copy) {
    const defaults = (copy.defaults && typeof copy.defaults === "object" ? copy.defaults : {}) as Record<string, unknown>;
    copy.defaults = { ...defaults, maxTokens: Math.min(typeof defaults.maxTokens === "number" ? defaults.maxTokens : limit, limit) };
  }
  return copy;
}

// Chat model instances given in code are left alone.
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

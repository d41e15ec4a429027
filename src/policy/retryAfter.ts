/**
 * Reads an HTTP `Retry-After` value: delay-seconds (`"3"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`), as milliseconds from `now`. Returns `undefined` for anything
 * else, so a malformed header falls back to our own backoff instead of waiting a wrong time.
 *
 * @example
 * parseRetryAfter("2"); // 2000
 * parseRetryAfter(new Date(Date.now() + 5_000).toUTCString()); // about 5000
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only a date-like value is parsed as a date: Date.parse accepts odd inputs such as "1".
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The `Retry-After` header of a provider error, wherever the client put it: OpenAI's `APIError.headers`
 * (a `Headers` in recent versions, a plain record in older ones) or a `response.headers`.
 *
 * @example
 * retryAfterHeader({ headers: new Headers({ "retry-after": "1" }) }); // "1"
 */
export function retryAfterHeader(error: object): string | undefined {
  const candidates = [(error as { headers?: unknown }).headers, (error as { response?: { headers?: unknown } }).response?.headers];
  for (const headers of candidates) {
    const found = readHeader(headers, "retry-after");
    if (found !== undefined) return found;
  }
  return undefined;
}

function readHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === "function") {
    const value: unknown = get.call(headers, name);
    return typeof value === "string" ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === "string") return value;
  }
  return undefined;
}

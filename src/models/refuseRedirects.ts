import { UnexpectedResponseError } from "./UnexpectedResponseError.js";

/**
 * Wraps a `fetch` for model calls so that a redirect is an error naming where it pointed, instead of
 * being followed. Following would turn the POST into a GET to another host (whose answer the client
 * then misreads, e.g. "Cannot read properties of undefined") and would send the prompt to a server
 * the user never named.
 *
 * @example
 * new ChatOllama({ model, fetch: refuseRedirects(fetchWithTimeout(30_000)) });
 */
export function refuseRedirects(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, { ...init, redirect: "manual" });
    const from = new URL(input instanceof Request ? input.url : String(input));
    const redirect = describeRedirect(response, from);
    if (redirect === undefined) return response;
    await response.body?.cancel().catch(() => undefined);
    throw new UnexpectedResponseError(
      `${redirect}; redirects are not followed`,
      "set the base URL to the address of the model server itself",
    );
  };
}

/**
 * What a redirect response says, for a message (`undefined` when `response` is no redirect): the
 * server, the path asked for, and where it pointed. Fetch with `redirect: "manual"` to see one.
 *
 * @example
 * describeRedirect(await fetch(url, { redirect: "manual" }), new URL(url));
 * // "the server at http://127.0.0.1:8080 redirected /api/tags to https://other.example/api/tags (HTTP 301)"
 */
export function describeRedirect(response: Response, from: URL): string | undefined {
  if (response.status < 300 || response.status > 399) return undefined;
  const location = response.headers.get("location");
  let to: URL | undefined;
  try {
    to = location === null ? undefined : new URL(location, from);
  } catch {
    to = undefined;
  }
  const where =
    to === undefined ? "elsewhere (no usable Location header)" : `to ${to.origin === from.origin ? to.pathname : to.origin + to.pathname}`;
  return `the server at ${from.origin} redirected ${from.pathname} ${where} (HTTP ${response.status})`;
}

/** What a redacted secret is replaced with. */
export const REDACTED = "***";

// Anything that looks like a URL with a scheme: `postgres://u:pw@h/db`, `http://h/v1?api_key=...`.
// Stops at whitespace, quotes and brackets, which end a URL quoted in a message.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>()[\]{}]+/gi;

// Query parameters whose values are secrets by their names (api_key, token, access_token, X-Amz-Signature...).
// The secret word ends the name, after a separator or a known prefix (api_key, sslkey, clientsecret,
// X-Amz-Signature), so that "monkey" stays; any name ending in "password" (sslpassword) is a secret.
const SECRET_PARAM =
  /^(?:.*[_-])?(?:(?:ssl|client|access|refresh|private|session|api)[_-]?)?(?:key|token|secret|pwd|auth|authorization|credentials?|signature|sig)$|passw(?:or)?d$/i;

/**
 * Hides the credentials of every URL in a text: the password of a `user:password@` (a bare `token@`
 * is hidden whole, as it is often the secret itself) and the values of query parameters named like
 * secrets (`api_key`, `token`, `password`, `X-Amz-Signature`...). The rest of the text and of each URL
 * stays as written, so a message still says which server it is about.
 *
 * @example
 * redactCredentials("cannot open postgres://moa:s3cret@db:5432/runs"); // "cannot open postgres://moa:***@db:5432/runs"
 * redactCredentials("http://h/v1?api_key=abc&x=1"); // "http://h/v1?api_key=***&x=1"
 */
export function redactCredentials(text: string): string {
  // Most texts hold no URL: skip the regex work for them.
  if (!text.includes("://")) return text;
  return text.replace(URL_IN_TEXT, redactUrl);
}

function redactUrl(url: string): string {
  const schemeEnd = url.indexOf("://") + 3;
  // The authority ends at the first "/", "?" or "#"; its userinfo at the last "@" before that. A
  // password written with a raw "/" (not %2F) would end it early: "u:pa/ss@h" still counts as
  // userinfo when what follows the ":" is not a port.
  const afterScheme = url.slice(schemeEnd);
  const firstAt = afterScheme.indexOf("@");
  const rawPassword = firstAt !== -1 && /^[^/?#@:]*:(?!\d*(?:[/?#]|$))[^?#]*$/.test(afterScheme.slice(0, firstAt));
  const authorityEnd = rawPassword ? firstAt + 1 + afterScheme.slice(firstAt + 1).search(/[/?#]|$/) : afterScheme.search(/[/?#]/);
  const authority = authorityEnd === -1 ? url.slice(schemeEnd) : url.slice(schemeEnd, schemeEnd + authorityEnd);
  const rest = authorityEnd === -1 ? "" : url.slice(schemeEnd + authorityEnd);
  const at = authority.lastIndexOf("@");
  let host = authority;
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(":");
    host = `${colon === -1 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@${authority.slice(at + 1)}`;
  }
  return `${url.slice(0, schemeEnd)}${host}${redactQuery(rest)}`;
}

function redactQuery(pathAndQuery: string): string {
  const question = pathAndQuery.indexOf("?");
  if (question === -1) return pathAndQuery;
  const hash = pathAndQuery.indexOf("#", question);
  const query = pathAndQuery.slice(question + 1, hash === -1 ? undefined : hash);
  const redacted = query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq === -1) return pair;
      const name = safeDecode(pair.slice(0, eq));
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join("&");
  return `${pathAndQuery.slice(0, question + 1)}${redacted}${hash === -1 ? "" : pathAndQuery.slice(hash)}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

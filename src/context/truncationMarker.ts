/**
 * The visible note put where a reference was cut, so the aggregator (and a human reading the
 * prompt) knows the answer went on.
 *
 * @example
 * truncationMarker(120); // "[… truncated 120 tokens …]"
 */
export function truncationMarker(droppedTokens: number): string {
  return `[… truncated ${droppedTokens} tokens …]`;
}

/** The longest marker a reference can get, for reserving room before the cut sizes are known. */
export const WIDEST_MARKER = truncationMarker(99_999_999);

/**
 * The largest per-reference size cap `L` such that the references, each cut to at most `L` tokens,
 * fit in `room` tokens: `sum(min(size, L)) <= room`. This is how "the longest references are
 * truncated first" works out: the longest is cut down to the next longest, then both are cut
 * together, and so on, so short references stay whole for as long as possible.
 *
 * Returns `Infinity` when nothing needs cutting, and `undefined` when even every reference cut to
 * `floor` tokens (shorter ones kept whole) does not fit. Pure.
 *
 * @example
 * planReferenceCap([1000, 100, 300], 700, 50); // 300: the first is cut to 300, the others stay whole
 * planReferenceCap([1000, 1000], 80, 50);      // undefined: two references need at least 100
 */
export function planReferenceCap(sizes: readonly number[], room: number, floor: number): number | undefined {
  const total = (cap: number) => sizes.reduce((sum, size) => sum + Math.min(size, cap), 0);
  if (total(Infinity) <= room) return Infinity;
  if (total(floor) > room) return undefined;
  // total() grows with the cap, so the largest cap that fits is found by bisection.
  let low = floor;
  let high = Math.max(...sizes);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (total(middle) <= room) low = middle;
    else high = middle - 1;
  }
  return low;
}

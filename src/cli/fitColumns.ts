/** The widest a table may print: it stays whole in a 100-column terminal or log viewer. */
export const TABLE_WIDTH = 100;

/** A column that may be narrowed, and how its text is shortened to a width. */
export interface ShrinkableColumn {
  column: number;
  /** Never narrower than this. */
  min: number;
  shorten: (text: string, max: number) => string;
}

/**
 * Narrows a table's columns until its lines fit `maxWidth`: the `shrink` columns in the order given, each
 * down to its `min`, by shortening their cells. `overhead` is what borders and gaps add to a line.
 *
 * @example
 * const fitted = fitColumns({ head, rows, overhead: 3 * head.length + 1, shrink: [{ column: 3, min: 20, shorten: clip }] });
 */
export function fitColumns({
  head,
  rows,
  overhead,
  shrink,
  maxWidth = TABLE_WIDTH,
}: {
  head: readonly string[];
  rows: readonly string[][];
  overhead: number;
  shrink: readonly ShrinkableColumn[];
  maxWidth?: number;
}): string[][] {
  let fitted = rows.map((row) => [...row]);
  for (const { column, min, shorten } of shrink) {
    const widths = head.map((title, c) => Math.max(title.length, ...fitted.map((row) => (row[c] ?? "").length)));
    const excess = tableWidth({ head, rows: fitted, overhead }) - maxWidth;
    if (excess <= 0) break;
    const target = Math.max(min, head[column]!.length, widths[column]! - excess);
    // A column narrowed twice is shortened from its original text: shortening a shortened cell stacks ellipses.
    fitted = fitted.map((row, r) =>
      row.map((text, c) => (c === column && text.length > target ? shorten(rows[r]![c] ?? text, target) : text)),
    );
  }
  return fitted;
}

/** How wide a table's lines are: its widest cell per column, plus `overhead`. */
export function tableWidth({ head, rows, overhead }: { head: readonly string[]; rows: readonly string[][]; overhead: number }): number {
  return head.reduce((sum, title, c) => sum + Math.max(title.length, ...rows.map((row) => (row[c] ?? "").length)), overhead);
}

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

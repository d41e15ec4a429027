import Table from "cli-table3";

const BORDER_CHARS = [
  "top",
  "top-mid",
  "top-left",
  "top-right",
  "bottom",
  "bottom-mid",
  "bottom-left",
  "bottom-right",
  "left",
  "left-mid",
  "mid",
  "mid-mid",
  "right",
  "right-mid",
  "middle",
] as const;

/**
 * A table as plain text with no borders and no rules between rows: one line per row, columns apart by
 * `gap`, trailing spaces trimmed (easy to copy from and to read in a log). Rows should already fit
 * the terminal (see `fitColumns`) and be free of control characters.
 *
 * @example
 * borderlessTable({ head: ["id", "status"], rows: [["t1", "done"]], gap: "  " }); // "id  status\nt1  done"
 */
export function borderlessTable({
  head,
  rows,
  gap,
  colAligns,
}: {
  head: string[];
  rows: string[][];
  gap: string;
  colAligns?: Array<"left" | "center" | "right">;
}): string {
  const table = new Table({
    head,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    chars: Object.fromEntries(BORDER_CHARS.map((c) => [c, c === "middle" ? gap : ""])),
    ...(colAligns ? { colAligns } : {}),
  });
  table.push(...rows);
  return table.toString().replace(/ +$/gm, "");
}

import { escapeXml } from "./charts/svgChart.js";

/**
 * Text made literal in a Markdown table cell: one line, pipes and Markdown punctuation backslash-escaped,
 * and `<`, `>`, `&` as entities (which Markdown prints as the characters), so a renderer never reads a
 * model's or topology's name as HTML.
 *
 * @example
 * markdownCell({ text: "a|b <script>" }); // "a\\|b &lt;script&gt;"
 */
export function markdownCell({ text }: { text: string }): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f\x7f]+/g, " ")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_{}[\]()#+!|~]/g, "\\$&")
      .trim()
  );
}

/**
 * A GitHub-flavoured Markdown table; cells are taken as written (escape untrusted ones with {@link markdownCell}).
 *
 * @example
 * markdownTable({ head: ["topology", "accuracy"], rows: [["moa", "81.2%"]] });
 */
export function markdownTable({ head, rows }: { head: readonly string[]; rows: ReadonlyArray<readonly string[]> }): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * An HTML table inside a horizontally scrolling box (wide tables stay usable on a phone); every cell is
 * escaped here, so untrusted text can be passed as is. Columns in `numeric` are right-aligned.
 *
 * @example
 * htmlTable({ head: ["topology", "accuracy"], rows: [["moa", "81.2%"]], numeric: [1] });
 */
export function htmlTable({
  head,
  rows,
  numeric = [],
}: {
  head: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  numeric?: readonly number[];
}): string {
  const cell = (tag: "th" | "td", text: string, column: number) =>
    `<${tag}${numeric.includes(column) ? ' class="num"' : ""}>${escapeXml({ text })}</${tag}>`;
  const header = `<tr>${head.map((text, c) => cell("th", text, c)).join("")}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((text, c) => cell("td", text, c)).join("")}</tr>`).join("\n");
  return `<div class="table-wrap"><table><thead>${header}</thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * A chart in a figure box that keeps it from overflowing a narrow screen.
 *
 * @example
 * htmlFigure({ svg: scatterChart({ ... }) });
 */
export function htmlFigure({ svg }: { svg: string }): string {
  return `<figure class="chart">${svg}</figure>`;
}

// Light by default; a dark page when the reader's system asks for one. Charts draw in currentColor, so they follow.
const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --rule: #d1d9e0; --stripe: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --rule: #3d444d; --stripe: #151b23; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--rule); } h3 { font-size: 1.05rem; }
p.note, figcaption { color: var(--muted); font-size: 0.9rem; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--rule); padding: 0.3rem 0.5rem; text-align: left; white-space: nowrap; }
th { background: var(--stripe); } td.num, th.num { text-align: right; }
tbody tr:nth-child(even) td { background: var(--stripe); }
figure.chart { margin: 1rem 0; max-width: 48rem; }
figure.chart svg { display: block; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr)); gap: 1rem; }
`;

/**
 * A self-contained HTML page: inline CSS (light and dark, phone-width friendly) and a Content Security
 * Policy that forbids scripts and every external load, so even a mistake in escaping cannot run code or
 * call out. `body` is inserted as is; `title` is escaped.
 *
 * @example
 * htmlPage({ title: "moa eval: gsm8k", body: "<h1>…</h1>" });
 */
export function htmlPage({ title, body }: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml({ text: title })}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

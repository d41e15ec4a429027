/**
 * `text` broken into lines of at most `width` characters at spaces (a single word longer than that keeps a
 * line of its own, whole).
 *
 * @example
 * wrapWords({ text: "a long reason that does not fit", width: 12 }); // ["a long", "reason that", "does not fit"]
 */
export function wrapWords({ text, width }: { text: string; width: number }): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

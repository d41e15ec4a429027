/** A terminal the lines are drawn on: any writable stream, e.g. `process.stderr`. */
export interface LiveLinesOutput {
  write(chunk: string): unknown;
  /** Terminal width; lines are cut to fit so that redrawing in place stays aligned. */
  columns?: number;
}

/** Lines at the bottom of a terminal, redrawn in place. */
export interface LiveLines {
  /** Replaces the lines on screen with `lines` (fewer lines than before erase the rest). */
  draw(lines: readonly string[]): void;
  /** The first `count` lines on screen are final: they stay above the lines still redrawn. */
  keep(count: number): void;
  /** Erases the lines still redrawn and puts the cursor where the first of them was. */
  clear(): void;
  /** How many lines are on screen to be redrawn. */
  readonly drawn: number;
}

const ESC = "\x1b";

/**
 * The in-place drawing shared by the CLI's terminal displays (download progress, the run status):
 * moves the cursor up over the lines drawn last, rewrites each, and cuts every line to the terminal
 * width, since a wrapped line takes two rows and moving up by the line count would then miss.
 * Lines must be free of control characters (callers clean what servers and models sent).
 *
 * @example
 * const live = createLiveLines({ stream: process.stderr });
 * live.draw(["layer 1  running a, b"]);
 * live.draw(["layer 1  answered a · running b"]);
 * live.clear();
 */
export function createLiveLines({ stream }: { stream: LiveLinesOutput }): LiveLines {
  let drawn = 0;
  return {
    draw(lines) {
      let out = drawn > 0 ? `${ESC}[${drawn}A` : "";
      for (const line of lines) out += `\r${ESC}[2K${fitToWidth(line, stream.columns)}\n`;
      // Rows left over from a taller drawing would otherwise stay on screen.
      if (lines.length < drawn) out += `${ESC}[J`;
      drawn = lines.length;
      if (out !== "") stream.write(out);
    },
    keep(count) {
      drawn = Math.max(0, drawn - count);
    },
    clear() {
      if (drawn > 0) stream.write(`${ESC}[${drawn}A\r${ESC}[J`);
      drawn = 0;
    },
    get drawn() {
      return drawn;
    },
  };
}

/** `text` cut to fit in one row of a terminal `width` columns wide (left whole when the width is unknown). */
export function fitToWidth(text: string, width: number | undefined): string {
  if (width === undefined || width <= 1) return text;
  const chars = Array.from(text);
  // The last column stays free: some terminals wrap as soon as it is written.
  return chars.length >= width ? chars.slice(0, width - 1).join("") : text;
}

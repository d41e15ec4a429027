// Control sequences a terminal acts on, whole: CSI (cursor, colours, clear screen), OSC and the other
// string commands (window title, hyperlinks, OSC 52 clipboard writes) up to their terminator, and
// two-character escapes; then any C0 or C1 control left alone (tab and newline excepted), and DEL.
const CONTROL =
  // eslint-disable-next-line no-control-regex
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x1b[\x20-\x2f]*[\x30-\x7e]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// The start of a sequence that a later chunk may complete (see createTerminalSanitizer).
const OPEN_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /^(?:\x1b|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*\x1b?|\x1b[\x20-\x2f]+)$/;
// eslint-disable-next-line no-control-regex
const INTRODUCER = /[\x1b\x90\x98\x9b\x9d\x9e\x9f]/g;

/** The longest unfinished sequence held back between chunks; a longer one is cut, not kept growing. */
export const MAX_HELD_SEQUENCE = 4096;

/**
 * Removes what a terminal would act on rather than print: CSI and OSC sequences (including OSC 52
 * clipboard writes and window titles), the other escape and string sequences, and every other C0
 * and C1 control character except tab and newline (a carriage return could overwrite a line). Text
 * from a model or a server goes through this before it reaches a terminal; files, pipes and JSON
 * get it as it was.
 *
 * @example
 * stripTerminalControls("Paris\u001b]52;c;aGk=\u0007 is \u001b[31mred\u001b[0m"); // "Paris is red"
 */
export function stripTerminalControls(text: string): string {
  // Most text holds no control character at all: no replace pass then.
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(text) ? text.replace(CONTROL, "") : text;
}

/** A {@link stripTerminalControls} for a stream of chunks (see {@link createTerminalSanitizer}). */
export interface TerminalSanitizer {
  /** The printable part of `chunk`; an unfinished sequence at its end waits for the next chunk. */
  write(chunk: string): string;
  /** What is still held back, made printable: call when the stream ends. */
  end(): string;
}

/**
 * Strips control sequences from streamed text (a model's answer token by token), where a sequence
 * may be split across chunks: an unfinished one at the end of a chunk is held back (at most
 * {@link MAX_HELD_SEQUENCE} characters) until the next chunk completes it.
 *
 * @example
 * const clean = createTerminalSanitizer();
 * clean.write("Paris\u001b]0;ti"); // "Paris"
 * clean.write("tle\u0007!"); // "!"
 */
export function createTerminalSanitizer(): TerminalSanitizer {
  let held = "";
  return {
    write(chunk) {
      const text = held + chunk;
      held = "";
      const open = openSequenceStart(text);
      if (open === undefined) return stripTerminalControls(text);
      held = text.slice(open);
      return stripTerminalControls(text.slice(0, open));
    },
    end() {
      const rest = held;
      held = "";
      return stripTerminalControls(rest);
    },
  };
}

/** Where an unfinished control sequence starts at the end of `text`, if one does. */
function openSequenceStart(text: string): number | undefined {
  // An unfinished sequence holds no terminator and no ESC but a last one (the first half of ST), so
  // it starts after the last of those: one pass over the tail, whatever the chunk holds.
  let from = Math.max(0, text.length - MAX_HELD_SEQUENCE);
  for (let i = text.length - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x07 || c === 0x9c || (c === 0x1b && i < text.length - 1)) {
      from = c === 0x1b ? i : i + 1;
      break;
    }
  }
  INTRODUCER.lastIndex = from;
  // The earliest introducer whose sequence runs to the end unfinished: an OSC whose terminator is cut
  // after its ESC is one sequence, not an ESC to hold on its own.
  for (let match = INTRODUCER.exec(text); match; match = INTRODUCER.exec(text)) {
    if (OPEN_SEQUENCE.test(text.slice(match.index))) return match.index;
  }
  return undefined;
}

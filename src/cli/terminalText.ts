import { redactCredentials } from "../util/redactCredentials.js";
import { stripTerminalControls } from "../util/stripTerminalControls.js";

/** Whether the CLI writes to a terminal on this stream (which would act on control sequences). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}

/**
 * Text from a model or a server as it may be written to `stream`: at a terminal without the control
 * sequences a terminal would act on (a model must not retitle the window, clear the screen or write
 * the clipboard); to a file or pipe as it was.
 *
 * @example
 * stdout.write(untrustedText({ text: answer, stream: stdout }));
 */
export function untrustedText({ text, stream }: { text: string; stream: NodeJS.WritableStream }): string {
  return isTerminal(stream) ? stripTerminalControls(text) : text;
}

/**
 * A message for the user (an error, a warning, a note) as it may be written to `stream`: URL
 * credentials hidden wherever it goes, and at a terminal control sequences stripped, since messages
 * quote what servers and models said.
 *
 * @example
 * stderr.write(`moa: ${userMessage({ text: error.message, stream: stderr })}\n`);
 */
export function userMessage({ text, stream }: { text: string; stream: NodeJS.WritableStream }): string {
  return untrustedText({ text: redactCredentials(text), stream });
}

/**
 * Text from a model, a server or a config (an agent's name, a failure's reason) for one line of a
 * status display: URL credentials hidden and line breaks joined wherever it goes, and for a terminal
 * (`terminal`) every control sequence removed, tabs too, so the line can be redrawn in place.
 *
 * @example
 * stderr.write(`${statusLine({ text: `bad-1b failed: ${answer.error}`, terminal: false })}\n`);
 */
export function statusLine({ text, terminal }: { text: string; terminal: boolean }): string {
  const flat = redactCredentials(text).replace(/\s*[\r\n]+\s*/g, " ");
  return terminal ? stripTerminalControls(flat).replace(/\t/g, " ") : flat;
}

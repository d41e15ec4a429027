import type { Command } from "commander";
import { UsageError } from "../errors/UsageError.js";

/**
 * Refuses an empty or blank value given to any option or argument of the command about to run (and
 * of its parents). Commander takes `--thread ""` as a value, which would name a phantom thread, open
 * a throwaway database (`--db ""`) or read the working folder as a config; every one of those is a
 * typing slip that must stop with exit 2 rather than run on something the user did not mean.
 * A value made only of invisible characters counts as blank, and a value holding control characters
 * (an escape sequence pasted into `--thread`) is refused too: it would be stored, then echoed to
 * terminals. Variadic arguments (the question) are left to the command, which has its own message.
 *
 * @example
 * program.hook("preAction", (_program, command) => rejectEmptyValues(command));
 */
export function rejectEmptyValues(command: Command): void {
  for (let current: Command | null = command; current; current = current.parent) {
    for (const option of current.options) {
      const value: unknown = current.getOptionValue(option.attributeName());
      const values = Array.isArray(value) ? (value as unknown[]) : [value];
      const name = option.long ?? option.short ?? option.flags;
      if (values.some(isBlank))
        throw new UsageError(`${name}: the value is empty; give a value or leave ${name} out`, { code: "empty_option" });
      if (values.some(hasControlCharacters))
        throw new UsageError(`${name}: the value contains control characters; type it again without them`, { code: "control_characters" });
    }
  }
  command.registeredArguments.forEach((argument, index) => {
    if (argument.variadic) return;
    if (isBlank(command.processedArgs[index]))
      throw new UsageError(`<${argument.name()}>: the value is empty; give a value`, { code: "empty_argument" });
    if (hasControlCharacters(command.processedArgs[index]))
      throw new UsageError(`<${argument.name()}>: the value contains control characters; type it again without them`, {
        code: "control_characters",
      });
  });
}

function isBlank(value: unknown): boolean {
  return typeof value === "string" && value.replace(/\p{Cf}/gu, "").trim() === "";
}

function hasControlCharacters(value: unknown): boolean {
  // eslint-disable-next-line no-control-regex
  return typeof value === "string" && /[\u0000-\u001f\u007f-\u009f]/.test(value);
}

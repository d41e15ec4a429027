import type { Command } from "commander";
import { UsageError } from "../errors/UsageError.js";

/**
 * Refuses an empty or blank value given to any option or argument of the command about to run (and
 * of its parents). Commander takes `--thread ""` as a value, which would name a phantom thread, open
 * a throwaway database (`--db ""`) or read the working folder as a config; every one of those is a
 * typing slip that must stop with exit 2 rather than run on something the user did not mean.
 * Variadic arguments (the question) are left to the command, which has its own message.
 *
 * @example
 * program.hook("preAction", (_program, command) => rejectEmptyValues(command));
 */
export function rejectEmptyValues(command: Command): void {
  for (let current: Command | null = command; current; current = current.parent) {
    for (const option of current.options) {
      const value: unknown = current.getOptionValue(option.attributeName());
      const values = Array.isArray(value) ? (value as unknown[]) : [value];
      if (values.some(isBlank)) {
        const name = option.long ?? option.short ?? option.flags;
        throw new UsageError(`${name}: the value is empty; give a value or leave ${name} out`, { code: "empty_option" });
      }
    }
  }
  command.registeredArguments.forEach((argument, index) => {
    if (!argument.variadic && isBlank(command.processedArgs[index]))
      throw new UsageError(`<${argument.name()}>: the value is empty; give a value`, { code: "empty_argument" });
  });
}

function isBlank(value: unknown): boolean {
  return typeof value === "string" && value.trim() === "";
}

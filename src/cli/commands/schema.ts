import { moaConfigJsonSchema } from "../../graphs/topologyJsonSchema.js";

/** Options of `moa schema`. */
export interface SchemaCommandOptions {
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa schema`: prints the JSON Schema of topology files.
 *
 * @example
 * schemaCommand({});
 */
export function schemaCommand({ stdout = process.stdout }: SchemaCommandOptions): void {
  stdout.write(`${JSON.stringify(moaConfigJsonSchema(), null, 2)}\n`);
}

import { z } from "zod";
import { MoAConfigSchema } from "./schema.js";

/**
 * JSON Schema of the config file format, for editor completion (`$schema` in YAML/JSON files).
 * Chat model instances cannot appear in a file, so they are left out of the schema.
 */
export function moaConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(MoAConfigSchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-7",
    override: (ctx) => {
      const anyOf = ctx.jsonSchema.anyOf;
      // Drop the empty branch that stands for "a chat model instance".
      if (Array.isArray(anyOf)) ctx.jsonSchema.anyOf = anyOf.filter((branch) => Object.keys(branch as object).length > 0);
    },
  }) as Record<string, unknown>;
  return {
    ...schema,
    title: "langgraph-moa topology",
  };
}

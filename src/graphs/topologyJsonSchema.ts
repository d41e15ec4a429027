import { z } from "zod";
import { topologyDefinitions } from "./registry.js";

/**
 * JSON Schema of topology files (every registered kind), for editor completion (`$schema` in YAML/JSON
 * files). Chat model and embeddings instances cannot appear in a file, so they are left out.
 *
 * @example
 * writeFileSync("schema/moa-config.schema.json", JSON.stringify(moaConfigJsonSchema(), null, 2));
 */
export function moaConfigJsonSchema(): Record<string, unknown> {
  const definitions = topologyDefinitions();
  const schemas = definitions.map((d) => d.schema as z.ZodType);
  const schema = z.toJSONSchema(schemas.length === 1 ? schemas[0]! : z.union(schemas as [z.ZodType, z.ZodType, ...z.ZodType[]]), {
    io: "input",
    unrepresentable: "any",
    target: "draft-7",
    override: (ctx) => {
      const anyOf = ctx.jsonSchema.anyOf;
      // Drop the empty branch that stands for "a chat model instance".
      if (Array.isArray(anyOf)) ctx.jsonSchema.anyOf = anyOf.filter((branch) => Object.keys(branch as object).length > 0);
    },
  }) as Record<string, unknown>;
  return { ...schema, title: `langgraph-moa topology (${definitions.map((d) => d.kind).join(", ")})` };
}

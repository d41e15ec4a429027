import { z } from "zod";
import { fileJsonSchema } from "../config/fileJsonSchema.js";
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
  const schema = schemas.length === 1 ? schemas[0]! : z.union(schemas as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return fileJsonSchema({ schema, title: `langgraph-moa topology (${definitions.map((d) => d.kind).join(", ")})` });
}

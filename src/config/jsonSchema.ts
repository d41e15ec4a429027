import { z } from "zod";
import { CoEConfigSchema, MosaicConfigSchema } from "../graphs/experts/expertsSchema.js";
import { MoAConfigSchema } from "./schema.js";
import { SelfMoAConfigSchema } from "../graphs/self-moa/configuration.js";

/**
 * JSON Schema of topology files (MoA, Self-MoA, CoE, MOSAIC), for editor completion (`$schema` in
 * YAML/JSON files). Chat model and embeddings instances cannot appear in a file, so they are left out.
 */
export function moaConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([MoAConfigSchema, SelfMoAConfigSchema, CoEConfigSchema, MosaicConfigSchema]), {
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
    title: "langgraph-moa topology (moa, self-moa, coe, mosaic)",
  };
}

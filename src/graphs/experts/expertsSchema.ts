import { z } from "zod";
import type { Embeddings } from "@langchain/core/embeddings";
import { compileRule } from "../../routing/compileRule.js";
import { RouterConfigError } from "../../routing/RouterConfigError.js";
import {
  AgentSchema,
  AggregatorEntrySchema,
  checkQuorumKeepsMinSuccessful,
  ChatModelInstanceSchema,
  DefaultsSchema,
  ModelRefStringSchema,
  ModelSpecSchema,
  NameSchema,
  QuorumSchema,
} from "../../config/agentSchema.js";

// "unknown" is what routers answer when nothing fits, so it cannot name a real category.
export const CategorySchema = NameSchema.refine((name) => name !== "unknown", '"unknown" is reserved for inputs that fit no category');
const threshold = z.number().min(0).max(1).default(0).describe("Decisions below this confidence go to the fallback expert");

const EmbeddingsInstanceSchema = z.custom<Embeddings>(
  (v) => typeof v === "object" && v !== null && typeof (v as { embedDocuments?: unknown }).embedDocuments === "function",
  {
    message: 'expected an embeddings reference such as "ollama:nomic-embed-text" (in code, also a LangChain Embeddings)',
    params: { typeCheck: true },
  },
);
/** `ollama:<model>[@url]` or `openai:<model>[@url]` for an embeddings endpoint, or (in code) an `Embeddings`. */
export const EmbeddingsSpecSchema = z.union([ModelRefStringSchema, EmbeddingsInstanceSchema]);

/** How the input is classified into a category. */
export const RouterConfigSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("llm"),
      model: z
        .union([ModelSpecSchema, AgentSchema])
        .describe("Classifier model or agent (structured output, or JSON in text for models without tools); temperature 0 unless set"),
      descriptions: z.record(z.string(), z.string().min(1)).optional().describe("What each category covers, shown to the classifier"),
      threshold,
    }),
    z.strictObject({
      type: z.literal("rules"),
      rules: z
        .array(
          z.strictObject({
            category: CategorySchema,
            keywords: z.array(z.string().min(1)).optional(),
            patterns: z.array(z.string().min(1)).optional().describe("Regular expressions"),
          }),
        )
        .min(1),
      threshold,
    }),
    z.strictObject({
      type: z.literal("embedding"),
      embeddings: EmbeddingsSpecSchema,
      examples: z
        .array(z.strictObject({ text: z.string().min(1), category: CategorySchema }))
        .min(1)
        .describe("Labelled examples"),
      k: z.number().int().min(1).max(100).default(5),
      minSimilarity: z
        .number()
        .min(-1)
        .max(1)
        .default(0)
        .describe("Inputs whose nearest example is less similar than this are unknown (go to the fallback)"),
      threshold,
    }),
  ])
  .superRefine((router, ctx) => {
    // Compile the rules now, so a bad pattern is a config error with its path, found by `moa validate`.
    if (router.type !== "rules") return;
    router.rules.forEach((rule, index) => {
      try {
        compileRule(rule, index, false);
      } catch (error) {
        if (!(error instanceof RouterConfigError)) throw error;
        ctx.addIssue({ code: "custom", path: ["rules", index], message: error.detail });
      }
    });
  });

/** One expert: an agent, or another topology run as a stage (`{ name, stage: <topology config> }`). */
export const ExpertEntrySchema = z.union([
  ModelRefStringSchema,
  ChatModelInstanceSchema,
  AgentSchema,
  z.strictObject({
    name: NameSchema,
    stage: z
      .union([
        z.strictObject({
          preset: z.string().min(1).describe("A built-in topology (see `moa presets`)"),
          backend: z.string().min(1).optional().describe("Where the preset's models run (default: the backend chosen for the run)"),
        }),
        z.strictObject({ file: z.string().min(1).describe("A topology file, relative to this file's folder") }),
        z.looseObject({}).refine((v) => Object.keys(v).length > 0, "expected a topology config"),
      ])
      .describe("A nested topology (e.g. a MoA) answering as this expert: a preset, a file, or the config itself"),
  }),
]);

/** One expert, or several, for a category. */
export const ExpertListSchema = z.union([ExpertEntrySchema, z.array(ExpertEntrySchema).min(1)]);

/** How experts' answers are extracted and compared by the confidence gate. */
export const ExtractorConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("choice"),
    choices: z
      .array(z.string().regex(/^[A-Za-z]$/, "expected a single letter"))
      .min(2)
      .optional(),
  }),
  z.strictObject({ type: z.literal("number") }),
  z.strictObject({ type: z.literal("exact") }),
  z.strictObject({
    type: z.literal("cluster"),
    similarity: z.enum(["lexical", "embedding"]).default("lexical"),
    threshold: z.number().gt(0).max(1).describe("Responses at least this similar agree"),
    embeddings: EmbeddingsSpecSchema.optional().describe("Required for embedding similarity"),
  }),
]);

/** MOSAIC's gate: skip the aggregator when the experts agree enough. */
export const GateConfigSchema = z.strictObject({
  extractor: ExtractorConfigSchema,
  threshold: z.number().gt(0).max(1).default(1).describe("Skip when the largest agreeing share is at least this (1 = unanimous)"),
});

/** Fields every experts topology (CoE, MOSAIC) has. */
export const sharedExpertFields = {
  $schema: z.string().optional(),
  name: z.string().min(1).max(128).optional(),
  description: z.string().optional(),
  defaults: DefaultsSchema.optional(),
  aggregator: AggregatorEntrySchema.optional(),
  quorum: QuorumSchema.optional().describe("Go on once this many of the chosen experts have answered (agent experts only)"),
  minSuccessful: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      "Answers the gate or aggregator needs from the chosen experts (default 1; at most the number chosen); below it the run fails, listing each expert's error",
    ),
};

export type RouterConfig = z.output<typeof RouterConfigSchema>;
export type ExpertEntry = z.output<typeof ExpertEntrySchema>;
export type ExtractorConfig = z.output<typeof ExtractorConfigSchema>;

export function checkQuorum(
  config: { quorum?: { min: number }; minSuccessful?: number; experts: unknown; fallback?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (!config.quorum) return;
  checkQuorumKeepsMinSuccessful(config, ctx, "run");
  const entries = [config.experts, config.fallback].flatMap((v) =>
    Array.isArray(v) ? v : v && typeof v === "object" && !("model" in v) && !("stage" in v) ? Object.values(v).flat() : [v],
  );
  if (entries.some((e) => typeof e === "object" && e !== null && "stage" in e)) {
    ctx.addIssue({
      code: "custom",
      path: ["quorum"],
      message: "a quorum applies to agent experts only; a stage expert runs as its own node",
    });
  }
}

export function checkCategories(
  config: { categories: string[]; experts: Record<string, unknown>; router: RouterConfig; aggregator?: unknown },
  ctx: z.RefinementCtx,
): void {
  const known = new Set(config.categories);
  const unknown = (category: string, path: PropertyKey[]) =>
    ctx.addIssue({
      code: "custom",
      path,
      message: `unknown category "${category}"; expected one of ${config.categories.map((c) => `"${c}"`).join(", ")}`,
    });
  for (const [category, experts] of Object.entries(config.experts)) {
    if (!known.has(category)) unknown(category, ["experts", category]);
    if (Array.isArray(experts) && experts.length > 1 && config.aggregator === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["aggregator"],
        message: `category "${category}" has ${experts.length} experts, so an aggregator is needed to combine their answers`,
      });
    }
  }
  if (config.router.type === "rules")
    config.router.rules.forEach((rule, i) => !known.has(rule.category) && unknown(rule.category, ["router", "rules", i, "category"]));
  if (config.router.type === "embedding")
    config.router.examples.forEach((ex, i) => !known.has(ex.category) && unknown(ex.category, ["router", "examples", i, "category"]));
  if (config.router.type === "llm" && config.router.descriptions) {
    for (const category of Object.keys(config.router.descriptions))
      if (!known.has(category)) unknown(category, ["router", "descriptions", category]);
  }
}

import { z } from "zod";
import { CategorySchema, GateConfigSchema, RouterConfigSchema } from "../graphs/experts/expertsSchema.js";

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, "expected a name of letters, digits and . _ : @ / - (no spaces)")
  .max(120);
const seconds = z.number().nonnegative().finite();
const positiveSeconds = z.number().positive().finite();

/** Where the real runner sends a worker's calls. */
export const WorkerEndpointSchema = z.strictObject({
  kind: z.enum(["ollama", "openai"]).describe("Wire protocol of the server: Ollama's /api/chat, or OpenAI's /v1/chat/completions"),
  baseUrl: z.url({ error: "expected a URL such as http://gpu-1:11434" }).describe("Base URL of the server, e.g. http://gpu-1:11434"),
});

/** One inference worker: a GPU or a CPU box running one inference server. */
export const WorkerSchema = z.strictObject({
  name: name.describe("Unique worker name"),
  endpoint: WorkerEndpointSchema.optional().describe(
    "The server that runs this worker's calls (needed by `moa batch`, not by `moa schedule`)",
  ),
  capacity: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe(
      "How many models may be resident at once (Ollama: OLLAMA_MAX_LOADED_MODELS); loading one more evicts the least recently used",
    ),
  memoryGb: z
    .number()
    .positive()
    .finite()
    .optional()
    .describe("Memory for models; with expert memoryGb, a model that does not fit is never placed here"),
  speed: z.number().positive().finite().default(1).describe("Relative speed: service times are divided by it (2 = twice as fast)"),
});

/** How long one prompt takes on a worker of speed 1. */
export const ServiceTimeSchema = z.union(
  [
    z.strictObject({
      meanSeconds: positiveSeconds.describe("Mean seconds per prompt"),
      distribution: z.enum(["constant", "exponential", "lognormal"]).default("constant").describe("How service times vary around the mean"),
      cv: z.number().nonnegative().finite().default(0.5).describe("Coefficient of variation (standard deviation / mean) for lognormal"),
    }),
    z.strictObject({
      prefillSeconds: seconds.describe("Seconds before the first output token (prompt evaluation)"),
      secondsPerOutputToken: positiveSeconds.describe("Seconds per generated token"),
      outputTokens: z
        .union([
          z.number().int().positive(),
          z.strictObject({ mean: z.number().positive().finite(), sd: z.number().nonnegative().finite().default(0) }),
        ])
        .describe("Output tokens per prompt: a number, or a mean and standard deviation (normal, cut at 1)"),
    }),
  ],
  { error: "expected { meanSeconds } or { prefillSeconds, secondsPerOutputToken, outputTokens }" },
);

/** A model that can serve prompts: an expert, an aggregator, or both. */
export const ExpertProfileSchema = z.strictObject({
  name: name.describe("Unique expert name, used by queries"),
  model: z.string().min(1).optional().describe("Model to call for this expert in `moa batch` (e.g. qwen2.5:7b on an Ollama worker)"),
  loadSeconds: z
    .union([seconds, z.record(z.string(), seconds)], { error: "expected seconds (a number), or a map from worker name to seconds" })
    .describe("Seconds to load the model: one number, or a map from worker name to seconds (every worker must be named)"),
  service: ServiceTimeSchema.describe("Service time per prompt"),
  memoryGb: z.number().positive().finite().optional().describe("Memory the loaded model takes"),
  maxReplicas: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Most workers that serve this model's prompts in each stage, expert and aggregator (default: every worker it fits on)"),
});

/** How queries without experts get them: a CoE/MOSAIC router picks a category, the category names the experts. */
export const RoutingSchema = z.strictObject({
  router: RouterConfigSchema.describe("The same router a CoE or MOSAIC topology takes (rules, llm or embedding)"),
  categories: z.record(CategorySchema, z.array(name).min(1)).describe("The experts of each category"),
  fallback: CategorySchema.describe("The category used when the router cannot tell (or is below its threshold)"),
});

/** One query, or `count` identical ones. */
export const QuerySchema = z.strictObject({
  id: name.optional().describe("Query id (default: its position, from q1); with count, ids get -1, -2 ... appended"),
  prompt: z.string().optional().describe("The prompt text (needed by `moa batch`, not by `moa schedule`)"),
  experts: z
    .array(name)
    .min(1)
    .optional()
    .describe("Experts this query was routed to; each answers it once (omit to route the prompt with the workload's routing)"),
  aggregator: name.optional().describe("Model that aggregates the experts' answers (default: the workload's aggregator)"),
  skipProbability: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Chance the confidence gate skips the aggregator (default: the workload's)"),
  count: z.number().int().min(1).max(1_000_000).default(1).describe("How many such queries"),
});

/** A scheduling workload: workers, expert profiles and a batch of routed queries. */
export const WorkloadSchema = z
  .strictObject({
    $schema: z.string().optional(),
    workers: z.array(WorkerSchema).min(1).describe("Inference workers"),
    experts: z.array(ExpertProfileSchema).min(1).describe("Profiles of every model the queries use, aggregators included"),
    aggregator: z
      .strictObject({
        expert: name.optional().describe("Default aggregator model of every query (one of experts); omit for no aggregator stage"),
        skipProbability: z.number().min(0).max(1).default(0).describe("Default chance the confidence gate skips the aggregator"),
        gate: GateConfigSchema.optional().describe(
          "The confidence gate `moa batch` runs (MOSAIC's): extractor and threshold; default: exact answers, unanimous (threshold 1)",
        ),
      })
      .default({ skipProbability: 0 })
      .describe("The aggregator stage"),
    routing: RoutingSchema.optional().describe("Routes the queries that do not list their experts, by running a router over their prompts"),
    queries: z.array(QuerySchema).min(1).describe("The batch"),
  })
  .describe("langgraph-moa scheduling workload");

export type WorkloadInput = z.input<typeof WorkloadSchema>;
export type Workload = z.output<typeof WorkloadSchema>;
export type ServiceTime = z.output<typeof ServiceTimeSchema>;

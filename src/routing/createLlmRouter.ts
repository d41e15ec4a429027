import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { z } from "zod";
import { raceAbort } from "../util/abortable.js";
import { buildRouteMessages } from "./buildRouteMessages.js";
import { checkCategories } from "./checkCategories.js";
import { parseFirstJsonObject } from "./parseFirstJsonObject.js";
import { readLlmAnswer } from "./readLlmAnswer.js";
import { RouterConfigError } from "./RouterConfigError.js";
import { startRoute } from "./startRoute.js";
import type { RouteDecision, RouteInput, Router } from "./types.js";
import { RouterError } from "./RouterError.js";

/**
 * How the LLM router asks for its answer.
 * - `"auto"` (default): structured output first; if the model cannot do it (no tool calling, the call
 *   fails, or the answer has the wrong shape), ask for JSON in the prompt instead; once that worked,
 *   keep asking for JSON on this router's later calls, so a model without tool calling costs one
 *   extra call in all.
 * - `"always"`: structured output only; its errors reject.
 * - `"never"`: JSON in the prompt only (one call per route, works with any chat model).
 */
export type StructuredOutputMode = "auto" | "always" | "never";

/** Options of {@link createLlmRouter}. */
export interface LlmRouterOptions {
  /** The classifier; a small fast model is usually enough. */
  model: BaseChatModel;
  /** The declared categories; `route()` chooses among its input's categories, which may be a subset. */
  categories: readonly string[];
  /** One line per category shown to the model, e.g. `{ billing: "invoices, refunds, payment methods" }`. */
  descriptions?: Readonly<Record<string, string>>;
  /** Text placed before the built-in instruction, e.g. "You route messages for a bookshop's help desk." */
  promptPrefix?: string;
  /** See {@link StructuredOutputMode}. Default `"auto"`. */
  structuredOutput?: StructuredOutputMode;
}

/** The LLM router's decision: which way the answer was obtained. */
export interface LlmRouteDecision extends RouteDecision {
  /** `"structured"` (withStructuredOutput), `"json"` (JSON parsed from the reply text) or `"none"` (blank input, no call). */
  method: "structured" | "json" | "none";
  /** Why structured output was given up on this call, when it was. */
  structuredOutputError?: string;
}

/** A router backed by an LLM classifier. */
export interface LlmRouter extends Router {
  readonly kind: "llm";
  route(input: RouteInput): Promise<LlmRouteDecision>;
}

// Our answer sentinel; a category of that name could not be told apart from "I cannot tell".
const UNKNOWN = "unknown";

/**
 * Creates a router that asks a chat model which category fits the message, with a confidence.
 * Blank text is answered with an unknown decision without calling the model. An answer of "unknown",
 * or a category outside the list, gives an unknown decision whose reason says what the model said;
 * JSON that cannot be found in a plain-text answer does too. Failed model calls and aborts reject.
 *
 * @example
 * const router = createLlmRouter({
 *   model: new ChatOllama({ model: "qwen2.5:1.5b", temperature: 0 }),
 *   categories: ["billing", "tech", "general"],
 *   descriptions: { billing: "invoices, refunds, payments", tech: "errors, crashes, setup" },
 * });
 * const decision = await router.route({ text: "I was charged twice", categories: ["billing", "tech", "general"] });
 */
export function createLlmRouter(options: LlmRouterOptions): LlmRouter {
  const { model, descriptions, promptPrefix } = options;
  const mode = options.structuredOutput ?? "auto";
  checkCategories(options.categories, "createLlmRouter categories");
  checkNoUnknown(options.categories, "createLlmRouter categories");
  for (const key of Object.keys(descriptions ?? {})) {
    if (!options.categories.includes(key)) {
      throw new RouterConfigError(`createLlmRouter descriptions: "${key}" is not one of the categories (${options.categories.join(", ")})`);
    }
  }
  if (!["auto", "always", "never"].includes(mode)) {
    throw new RouterConfigError(`createLlmRouter structuredOutput: expected "auto", "always" or "never", got "${String(mode)}"`);
  }
  let structuredWorks = mode !== "never";

  const structured = async (input: RouteInput): Promise<LlmRouteDecision> => {
    const schema = routeSchema(input.categories);
    const messages = buildRouteMessages({
      categories: input.categories,
      descriptions,
      promptPrefix,
      askForJson: false,
      text: input.text,
      conversation: input.conversation,
    });
    const answer: unknown = await settle(
      model.withStructuredOutput(schema, { name: "route" }).invoke(messages, { signal: input.signal }),
      input.signal,
    );
    // Not every implementation validates against the schema (BaseChatModel's tool-call path does not).
    const reading = readLlmAnswer(answer, input.categories);
    if (!reading.ok) throw new RouterError(`structured output ${reading.problem}`);
    return { ...reading.decision, method: "structured" };
  };

  const fromJsonText = async (input: RouteInput): Promise<LlmRouteDecision> => {
    const messages = buildRouteMessages({
      categories: input.categories,
      descriptions,
      promptPrefix,
      askForJson: true,
      text: input.text,
      conversation: input.conversation,
    });
    const reply = await settle(model.invoke(messages, { signal: input.signal }), input.signal);
    const found = parseFirstJsonObject(reply.text);
    const reading = readLlmAnswer(found, input.categories);
    if (reading.ok) return { ...reading.decision, method: "json" };
    const problem = found === undefined ? "the answer holds no JSON object" : reading.problem;
    return { category: undefined, confidence: 0, reason: `${problem}: ${snippet(reply.text)}`, method: "json" };
  };

  return {
    kind: "llm",
    async route(input) {
      const early = startRoute(input);
      if (early) return { ...early, method: "none" };
      checkNoUnknown(input.categories, "route input categories");
      if (!structuredWorks) return fromJsonText(input);
      try {
        return await structured(input);
      } catch (error) {
        if (mode === "always" || input.signal?.aborted) throw error;
        const decision = await fromJsonText(input);
        // Only now that the JSON prompt worked where structured output did not (a network error would
        // have failed both) is structured output given up for good.
        structuredWorks = false;
        return { ...decision, structuredOutputError: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

/**
 * Stops waiting when the signal fires: ChatOllama checks its signal only between stream chunks, so a
 * server that stops answering would otherwise hold the route.
 */
function settle<T>(call: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal ? raceAbort(call, signal) : call;
}

/** The structured answer: one of the categories or "unknown", a confidence, a short reason. */
function routeSchema(categories: readonly string[]) {
  const names: string[] = [...categories, UNKNOWN]; // non-empty: categories were checked
  return z
    .object({
      category: z.enum(names as [string, ...string[]]).describe(`one of the categories, or "${UNKNOWN}" if none fits`),
      confidence: z.number().min(0).max(1).describe("how sure you are, from 0 to 1"),
      // Required, not optional: OpenAI's strict JSON schema mode (ChatOpenAI's default) refuses optional fields.
      reason: z.string().describe("a few words on why"),
    })
    .describe("The category of the user's message");
}

function checkNoUnknown(categories: readonly string[], where: string): void {
  if (categories.some((c) => c.trim().toLowerCase() === UNKNOWN)) {
    throw new RouterConfigError(`${where}: "${UNKNOWN}" is reserved for "no category fits"; rename that category`);
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat === "" ? "(empty answer)" : flat.length > 120 ? `"${flat.slice(0, 119)}…"` : `"${flat}"`;
}

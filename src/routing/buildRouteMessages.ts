import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import {
  ROUTE_CATEGORIES_HEADING,
  ROUTE_CONVERSATION_HEADING,
  ROUTE_INSTRUCTION,
  ROUTE_JSON_INSTRUCTION,
  ROUTE_MESSAGE_HEADING,
} from "../prompts/route.js";
import { defuseMarkup } from "../util/defuseMarkup.js";

/** What goes into the LLM router's prompt. */
export interface RouteMessagesInput {
  categories: readonly string[];
  descriptions?: Readonly<Record<string, string>>;
  /** Text placed before the built-in instruction, e.g. what service the router works for. */
  promptPrefix?: string;
  /** Ask for a JSON object in plain text (for models without structured output). */
  askForJson: boolean;
  text: string;
  conversation?: string;
}

/**
 * Builds the router's two messages: a system message with the instruction and the categories, and a
 * user message carrying the text to classify inside `<message>` tags (and earlier turns inside
 * `<conversation>` tags), so the model reads them as data. Tag look-alikes in the text are defused
 * so the text cannot close its block and pose as instructions.
 *
 * @example
 * buildRouteMessages({ categories: ["billing", "tech"], askForJson: true, text: "My card was charged twice" });
 */
export function buildRouteMessages(input: RouteMessagesInput): BaseMessage[] {
  const list = input.categories
    .map((category) => {
      const description = input.descriptions?.[category]?.trim();
      return description ? `- ${category}: ${description}` : `- ${category}`;
    })
    .join("\n");
  const system = [
    input.promptPrefix?.trim(),
    ROUTE_INSTRUCTION,
    `${ROUTE_CATEGORIES_HEADING}\n${list}`,
    input.askForJson ? ROUTE_JSON_INSTRUCTION : undefined,
  ]
    .filter((part): part is string => Boolean(part))
    .join("\n\n");
  const conversation = input.conversation?.trim();
  const user = [
    conversation ? `${ROUTE_CONVERSATION_HEADING}\n<conversation>\n${defuse(conversation)}\n</conversation>` : undefined,
    `${ROUTE_MESSAGE_HEADING}\n<message>\n${defuse(input.text)}\n</message>`,
  ]
    .filter((part): part is string => Boolean(part))
    .join("\n\n");
  return [new SystemMessage(system), new HumanMessage(user)];
}

/** Breaks `<message`, `</conversation` and the like (and template control strings) so user text cannot open or close our blocks. */
function defuse(text: string): string {
  return defuseMarkup({ text, tags: ["message", "conversation"] });
}

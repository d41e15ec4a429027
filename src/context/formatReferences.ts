import { REFERENCES_HEADING } from "../prompts/aggregate.js";
import { defuseMarkup } from "../util/defuseMarkup.js";

/**
 * Makes a reference safe to place inside a `<response>` block: any text that could open or close a
 * block (Unicode look-alikes and invisible characters included) and any chat-template control string
 * (`<|im_end|>`, `<|start_header_id|>`, `[INST]`...) gets look-alike brackets, so an answer can neither
 * end its own block early nor end the aggregator's turn, and pose as instructions. Readable, and
 * deterministic so prompts stay cacheable.
 */
export function defuseReference(text: string): string {
  return defuseMarkup({ text, tags: ["response"] });
}

/**
 * Numbers the previous layer's answers as delimited data blocks.
 *
 * @example
 * formatReferences(["Paris.", "It is Paris."]);
 * // <response id="1">\nParis.\n</response>\n\n<response id="2">\nIt is Paris.\n</response>
 */
export function formatReferences(references: readonly string[]): string {
  return references.map((text, i) => `<response id="${i + 1}">\n${defuseReference(text.trim())}\n</response>`).join("\n\n");
}

/** The full aggregation block: instruction, heading, numbered references. */
export function buildAggregationBlock(instruction: string, references: readonly string[]): string {
  return `${instruction.trim()}\n\n${REFERENCES_HEADING}\n\n${formatReferences(references)}`;
}

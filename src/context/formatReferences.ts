import { REFERENCES_HEADING } from "../prompts/aggregate.js";

// Any text that could open or close a <response> block is defused so that an answer cannot end its
// own block early and pose as instructions. Replacing "<" with a look-alike keeps the text readable
// while making the tag unparseable as ours; the mapping is deterministic so prompts stay cacheable.
const RESPONSE_TAG = /<(\s*\/?\s*response)/gi;

/** Makes a reference safe to place inside a `<response>` block. */
export function defuseReference(text: string): string {
  return text.replace(RESPONSE_TAG, "\u2039$1");
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

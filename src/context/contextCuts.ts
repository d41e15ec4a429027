import type { AgentAnswer } from "../state/moaState.js";

/**
 * What the context budget cut from an aggregating agent's prompt, as recorded on its answer:
 * each cut reference (`index` is the 1-based `<response id>` it had in the prompt; token counts
 * are of its text, without the marker), how many of the oldest conversation messages were left
 * out, the model's window, the final prompt's size, and whether counts came from the model's
 * tokenizer or the character estimate.
 */
export type ContextCuts = NonNullable<AgentAnswer["contextCuts"]>;

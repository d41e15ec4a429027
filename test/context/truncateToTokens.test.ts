import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/models/estimateTokens.js";
import { ESTIMATE_COUNTER, type TokenCounter } from "../../src/models/tokenCounter.js";
import { truncateToTokens } from "../../src/context/truncateToTokens.js";

describe("estimateTokens", () => {
  it("counts characters / 4, rounded up", () => {
    expect([estimateTokens(""), estimateTokens("abcd"), estimateTokens("abcde")]).toEqual([0, 1, 2]);
  });
});

describe("truncateToTokens", () => {
  it("keeps the start of the text, as many tokens as allowed", async () => {
    expect(await truncateToTokens("abcdefghij", 2, ESTIMATE_COUNTER)).toBe("abcdefgh");
  });

  it("returns the text unchanged when it already fits", async () => {
    expect(await truncateToTokens("short", 10, ESTIMATE_COUNTER)).toBe("short");
  });

  it("fits a tokenizer whose tokens vary in length", async () => {
    // One token per word: the character ratio is only a first guess.
    const words: TokenCounter = { kind: "model", count: async (t) => t.split(/\s+/).filter(Boolean).length };
    const text = "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh";
    const kept = await truncateToTokens(text, 3, words);
    expect(await words.count(kept)).toBeLessThanOrEqual(3);
    expect(text.startsWith(kept)).toBe(true);
  });

  it("never splits a surrogate pair", async () => {
    const kept = await truncateToTokens("ab😀😀😀😀", 1, { kind: "model", count: async (t) => t.length });
    expect(kept).toBe("a");
    const odd = await truncateToTokens("a😀b", 2, { kind: "model", count: async (t) => t.length });
    expect(odd).toBe("a");
  });
});

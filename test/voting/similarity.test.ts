import { describe, expect, it } from "vitest";
import { isMoAError } from "../../src/errors/MoAError.js";
import { embeddingSimilarities } from "../../src/voting/embeddingSimilarity.js";
import { lexicalSimilarity } from "../../src/voting/lexicalSimilarity.js";
import { FixedEmbeddings } from "./FixedEmbeddings.js";

describe("lexicalSimilarity", () => {
  it("ignores case, order, repetition and punctuation", () => {
    expect(lexicalSimilarity("Paris is the capital of France.", "the capital of france is PARIS, paris")).toBe(1);
  });

  it("is shared words over all words", () => {
    expect(lexicalSimilarity("Paris, France", "It is Paris")).toBe(1 / 4);
  });

  it("scores texts without words by equality", () => {
    expect(lexicalSimilarity("?!", "?!")).toBe(1);
    expect(lexicalSimilarity("?!", "...")).toBe(0);
  });
});

describe("embeddingSimilarities", () => {
  it("treats opposite directions and zero vectors as not similar (0, not negative)", async () => {
    const matrix = await embeddingSimilarities(new FixedEmbeddings({ a: [1, 0], b: [-1, 0], z: [0, 0] }), ["a", "b", "z"]);
    expect(matrix[0]![1]).toBe(0);
    expect(matrix[0]![2]).toBe(0);
  });

  it("fails as the run's problem, with a stable code, when the model returns the wrong number of vectors", async () => {
    class ShortEmbeddings extends FixedEmbeddings {
      override async embedDocuments(texts: string[]): Promise<number[][]> {
        return (await super.embedDocuments(texts)).slice(1);
      }
    }
    const error = await embeddingSimilarities(new ShortEmbeddings({ a: [1, 0], b: [0, 1] }), ["a", "b"]).catch((e: unknown) => e);
    expect(isMoAError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "invalid_embeddings",
      category: "run",
      message: "the embeddings model returned 1 vectors for 2 texts",
    });
  });

  it("embeds all texts in one batch", async () => {
    const embeddings = new FixedEmbeddings({ a: [1, 0], b: [0, 1], c: [1, 1] });
    const matrix = await embeddingSimilarities(embeddings, ["a", "b", "c"]);
    expect(embeddings.batches).toEqual([["a", "b", "c"]]);
    expect(matrix[0]?.[1]).toBe(0);
    expect(matrix[0]?.[2]).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

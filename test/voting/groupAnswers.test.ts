import { describe, expect, it } from "vitest";
import { createExtractor } from "../../src/voting/createExtractor.js";
import { groupAnswers } from "../../src/voting/groupAnswers.js";
import { FixedEmbeddings } from "./FixedEmbeddings.js";

describe("groupAnswers with a key extractor", () => {
  it("groups equal answers in order of their first member", async () => {
    const result = await groupAnswers({
      responses: ["So 41.", "#### 42", "no idea", "The answer is 42.", "It is 41"],
      extractor: createExtractor({ type: "number" }),
    });
    expect(result.answers).toEqual(["41", "42", undefined, "42", "41"]);
    expect(result.groups).toEqual([
      { key: "41", indices: [0, 4] },
      { key: "42", indices: [1, 3] },
    ]);
  });
});

describe("groupAnswers with lexical clustering", () => {
  const extractor = createExtractor({ type: "cluster", similarity: "lexical", threshold: 0.5 });

  it("groups paraphrases", async () => {
    const { groups } = await groupAnswers({
      extractor,
      responses: ["Paris is the capital of France.", "The capital of France is Paris", "France's capital is Paris."],
    });
    expect(groups.map((g) => g.indices)).toEqual([[0, 1, 2]]);
  });

  it("keeps different answers apart", async () => {
    const { groups } = await groupAnswers({
      extractor,
      responses: ["Paris is the capital of France.", "Lyon, I believe.", "Marseille"],
    });
    expect(groups.map((g) => g.indices)).toEqual([[0], [1], [2]]);
  });

  it("keys a cluster by its first member's normalised text", async () => {
    const { groups } = await groupAnswers({ extractor, responses: ["  Paris   is the capital  ", "the capital is Paris"] });
    expect(groups).toEqual([{ key: "Paris is the capital", indices: [0, 1] }]);
  });

  it("compares with the first member, so a drifting chain splits", async () => {
    const strict = createExtractor({ type: "cluster", similarity: "lexical", threshold: 0.6 });
    // b~a 0.75 and c~b 0.75, but c~a only 0.5.
    const { groups } = await groupAnswers({ extractor: strict, responses: ["w x y", "w x y z", "x y z"] });
    expect(groups.map((g) => g.indices)).toEqual([[0, 1], [2]]);
  });

  it("leaves blank responses out of every group", async () => {
    const result = await groupAnswers({ extractor, responses: ["  \n ", "Paris"] });
    expect(result.answers).toEqual([undefined, "Paris"]);
    expect(result.groups).toEqual([{ key: "Paris", indices: [1] }]);
  });
});

describe("groupAnswers with embedding clustering", () => {
  const vectors = {
    "The sky looks blue because of Rayleigh scattering.": [1, 0.1, 0],
    "Air molecules scatter blue light more than red.": [0.9, 0.2, 0],
    "Because the ocean reflects onto it.": [0, 0.2, 1],
  };

  it("groups answers whose vectors point the same way", async () => {
    const extractor = createExtractor({
      type: "cluster",
      similarity: "embedding",
      threshold: 0.9,
      embeddings: new FixedEmbeddings(vectors),
    });
    const { groups } = await groupAnswers({ extractor, responses: Object.keys(vectors) });
    expect(groups.map((g) => g.indices)).toEqual([[0, 1], [2]]);
  });

  it("splits them under a threshold above their similarity", async () => {
    const extractor = createExtractor({
      type: "cluster",
      similarity: "embedding",
      threshold: 0.999,
      embeddings: new FixedEmbeddings(vectors),
    });
    const { groups } = await groupAnswers({ extractor, responses: Object.keys(vectors) });
    expect(groups.map((g) => g.indices)).toEqual([[0], [1], [2]]);
  });

  it("joins the most similar group, not the first one above the threshold", async () => {
    // Unit vectors at 0°, 40° and 22°: b~a 0.77 starts a group; c~a 0.93 would do, but c~b is 0.95.
    const embeddings = new FixedEmbeddings({ a: [1, 0], b: [0.766, 0.643], c: [0.927, 0.375] });
    const extractor = createExtractor({ type: "cluster", similarity: "embedding", threshold: 0.9, embeddings });
    const { groups } = await groupAnswers({ extractor, responses: ["a", "b", "c"] });
    expect(groups.map((g) => g.indices)).toEqual([[0], [1, 2]]);
  });

  it("joins the earlier group when two are equally similar", async () => {
    const embeddings = new FixedEmbeddings({ a: [1, 0], b: [0, 1], c: [1, 1] });
    const extractor = createExtractor({ type: "cluster", similarity: "embedding", threshold: 0.7, embeddings });
    const { groups } = await groupAnswers({ extractor, responses: ["a", "b", "c"] });
    expect(groups.map((g) => g.indices)).toEqual([[0, 2], [1]]);
  });

  it("puts identical answers together even when their vector is zero", async () => {
    const extractor = createExtractor({
      type: "cluster",
      similarity: "embedding",
      threshold: 0.5,
      embeddings: new FixedEmbeddings({ x: [0, 0] }),
    });
    const { groups } = await groupAnswers({ extractor, responses: ["x", "x"] });
    expect(groups).toEqual([{ key: "x", indices: [0, 1] }]);
  });
});

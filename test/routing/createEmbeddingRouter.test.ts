import { describe, expect, it } from "vitest";
import { createEmbeddingRouter, RouterConfigError, type RoutingExample } from "../../src/routing/index.js";
import { TestEmbeddings, topicVectors } from "./helpers/TestEmbeddings.js";

const categories = ["billing", "tech"];
const vectors = topicVectors({ billing: ["refund", "invoice", "charge", "payment"], tech: ["crash", "error", "login", "bug"] });
const examples: RoutingExample[] = [
  { text: "refund my payment", category: "billing" }, // [2, 0]
  { text: "wrong invoice charge", category: "billing" }, // [2, 0]
  { text: "crash on login", category: "tech" }, // [0, 2]
  { text: "error after the crash", category: "tech" }, // [0, 2]
];
const make = (options: { k?: number; minSimilarity?: number; embeddings?: TestEmbeddings } = {}) => {
  const embeddings = options.embeddings ?? new TestEmbeddings({ vectors });
  const router = createEmbeddingRouter({ embeddings, examples, ...options });
  return { embeddings, router };
};

describe("createEmbeddingRouter: voting", () => {
  it("routes to the category of the nearest examples", async () => {
    const { router } = make();
    expect(await router.route({ text: "refund", categories })).toMatchObject({ category: "billing", confidence: 1 });
  });

  it("weights votes by cosine similarity: confidence is the winner's share", async () => {
    // Query [2, 1]: billing examples at 2/sqrt(5) each, tech at 1/sqrt(5) each, so billing has 4/6 of the vote.
    const { router } = make({ k: 4 });
    const decision = await router.route({ text: "refund invoice crash", categories });
    expect(decision.category).toBe("billing");
    expect(decision.confidence).toBeCloseTo(2 / 3, 10);
    expect(decision.scores?.tech).toBeCloseTo(1 / 3, 10);
  });

  it("only the k nearest examples vote", async () => {
    const { router } = make({ k: 2 });
    expect(await router.route({ text: "refund invoice crash", categories })).toMatchObject({ category: "billing", confidence: 1 });
  });

  it("explains the vote", async () => {
    const { router } = make({ k: 4 });
    expect((await router.route({ text: "refund invoice crash", categories })).reason).toBe(
      '2 of 4 nearest examples are "billing" (best similarity 0.894)',
    );
  });

  it("a tie goes to the category listed first in the input", async () => {
    const { router } = make();
    const decision = await router.route({ text: "refund crash", categories: ["tech", "billing"] });
    expect(decision).toMatchObject({ category: "tech", confidence: 0.5 });
    expect(decision.reason).toContain("tied with billing");
  });

  it("votes only among examples of the input's categories", async () => {
    const { router } = make();
    expect(await router.route({ text: "refund crash", categories: ["tech"] })).toMatchObject({ category: "tech", confidence: 1 });
  });

  it("a text similar to no example gives an unknown decision", async () => {
    const { router } = make();
    expect(await router.route({ text: "hello there", categories })).toMatchObject({ category: undefined, confidence: 0, scores: {} });
  });

  it("neighbours below minSimilarity do not vote", async () => {
    // Query [1, 3] is 0.316 similar to the billing examples and 0.949 to the tech ones.
    const { router } = make({ k: 4, minSimilarity: 0.5 });
    expect(await router.route({ text: "refund crash error login", categories })).toMatchObject({ category: "tech", confidence: 1 });
  });
});

describe("createEmbeddingRouter: embedding the examples", () => {
  it("does not embed anything before the first route", () => {
    const { embeddings } = make();
    expect(embeddings.documentCalls).toHaveLength(0);
  });

  it("embeds the examples once, in one call, across routes", async () => {
    const { router, embeddings } = make();
    await router.route({ text: "refund", categories });
    await router.route({ text: "crash", categories });
    expect(embeddings.documentCalls).toEqual([examples.map((e) => e.text)]);
    expect(embeddings.queryCalls).toEqual(["refund", "crash"]);
  });

  it("concurrent first routes share one embedding of the examples", async () => {
    const { router, embeddings } = make({ embeddings: new TestEmbeddings({ vectors, delayMs: 20 }) });
    await Promise.all([router.route({ text: "refund", categories }), router.route({ text: "crash", categories })]);
    expect(embeddings.documentCalls).toHaveLength(1);
  });

  it("a failed embedding of the examples rejects the route", async () => {
    const { router } = make({ embeddings: new TestEmbeddings({ vectors, failDocumentCalls: 1 }) });
    await expect(router.route({ text: "refund", categories })).rejects.toThrow(
      "embedding the routing examples failed: embedding server not ready",
    );
  });

  it("a failed embedding is not cached: the next route tries again", async () => {
    const { router, embeddings } = make({ embeddings: new TestEmbeddings({ vectors, failDocumentCalls: 1 }) });
    await router.route({ text: "refund", categories }).catch(() => undefined);
    expect((await router.route({ text: "refund", categories })).category).toBe("billing");
    expect(embeddings.documentCalls).toHaveLength(2);
  });

  it("warmUp embeds the examples ahead of the first route", async () => {
    const { router, embeddings } = make();
    await router.warmUp();
    await router.route({ text: "refund", categories });
    expect(embeddings.documentCalls).toHaveLength(1);
  });

  it("vectors of different lengths are refused", async () => {
    const embeddings = new TestEmbeddings({ vectors: (t) => (t.startsWith("crash") ? [1, 0, 0] : [1, 0]) });
    await expect(make({ embeddings }).router.route({ text: "refund", categories })).rejects.toThrow(
      "the embedding of example 2 is not a vector of 2 finite numbers",
    );
  });

  it("a query vector of another length is refused", async () => {
    const embeddings = new TestEmbeddings({ vectors: (t) => (t === "odd" ? [1, 2, 3] : vectors(t)) });
    await expect(make({ embeddings }).router.route({ text: "odd", categories })).rejects.toThrow(
      "the text's embedding has 3 dimensions, the examples' have 2",
    );
  });

  it("an abort rejects the route even though the embeddings never answer", async () => {
    const { router } = make({ embeddings: new TestEmbeddings({ vectors, delayMs: Infinity }) });
    await expect(router.route({ text: "refund", categories, signal: AbortSignal.timeout(30) })).rejects.toThrow();
  });
});

describe("createEmbeddingRouter: input and mistakes", () => {
  it("blank text gives an unknown decision without embedding anything", async () => {
    const { router, embeddings } = make();
    expect(await router.route({ text: "", categories })).toEqual({ category: undefined, confidence: 0, reason: "the input text is empty" });
    expect(embeddings.documentCalls.length + embeddings.queryCalls.length).toBe(0);
  });

  it("an empty category list rejects", async () => {
    await expect(make().router.route({ text: "refund", categories: [] })).rejects.toThrow(RouterConfigError);
  });

  it("an example labelled with an undeclared category is refused at construction, naming it", () => {
    const embeddings = new TestEmbeddings({ vectors });
    expect(() =>
      createEmbeddingRouter({ embeddings, examples: [...examples, { text: "parcel late", category: "shipping" }], categories }),
    ).toThrow('example 4 ("parcel late") is labelled "shipping", which is not one of the categories (billing, tech)');
  });

  it("an empty example list is refused", () => {
    expect(() => createEmbeddingRouter({ embeddings: new TestEmbeddings({ vectors }), examples: [] })).toThrow("examples is empty");
  });

  it("an example without text is refused", () => {
    expect(() =>
      createEmbeddingRouter({ embeddings: new TestEmbeddings({ vectors }), examples: [{ text: " ", category: "tech" }] }),
    ).toThrow("example 0 has no text");
  });

  it("k must be a whole number of at least 1", () => {
    expect(() => createEmbeddingRouter({ embeddings: new TestEmbeddings({ vectors }), examples, k: 0 })).toThrow(/k must be/);
  });
});

import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import {
  embeddingPromptRouter,
  fixedRouterResults,
  llmPromptRouter,
  promptRouterFrom,
  reasoningRuleRouter,
  strongScore,
} from "../../../evals/replay/projectRouters.js";
import { createRuleRouter } from "../../../src/routing/createRuleRouter.js";

/** Embeds a text as (has a digit, has none): enough to tell word problems from the rest. */
const digitEmbeddings: EmbeddingsInterface = {
  embedQuery: async (text) => (/\d/.test(text) ? [1, 0] : [0, 1]),
  embedDocuments: async (texts) => texts.map((text) => (/\d/.test(text) ? [1, 0] : [0, 1])),
};

describe("strongScore", () => {
  it("uses the router's per-category score for strong, 0 when strong had no hit", () => {
    expect(strongScore({ decision: { category: "strong", confidence: 0.75, scores: { strong: 0.75, weak: 0.25 }, reason: "" } })).toBe(
      0.75,
    );
    expect(strongScore({ decision: { category: "weak", confidence: 1, scores: { weak: 1 }, reason: "" } })).toBe(0);
  });

  it("turns a confidence in weak into one in strong, and an unknown decision into 0", () => {
    expect(strongScore({ decision: { category: "weak", confidence: 0.8, reason: "" } })).toBeCloseTo(0.2, 10);
    expect(strongScore({ decision: { category: undefined, confidence: 0, reason: "" } })).toBe(0);
  });
});

describe("reasoningRuleRouter", () => {
  it("scores a word problem 1, a factual question 0, and a mix by its share of strong hits", async () => {
    const router = reasoningRuleRouter({});
    expect(await router.score("How many eggs does she sell for $2 each?")).toBe(1);
    expect(await router.score("Who wrote Hamlet?")).toBe(0);
    // Strong: "how many"; weak: "who", "according to": one of three hits.
    expect(await router.score("According to the text, who saw how many birds?")).toBeCloseTo(1 / 3, 10);
  });
});

describe("promptRouterFrom", () => {
  const rules = createRuleRouter({ rules: [{ category: "strong", keywords: ["solve"] }] });

  it("leaves tied prompts tied by default, so the sweep moves them together", async () => {
    const router = promptRouterFrom({ name: "solve", router: rules });
    expect(await router.score("solve x")).toBe(await router.score("solve this much longer equation"));
  });

  it("orders tied prompts longer first with tieBreak length, without crossing distinct scores", async () => {
    const router = promptRouterFrom({ name: "solve", router: rules, tieBreak: "length" });
    const short = await router.score("solve x");
    const long = await router.score("solve this much longer equation");
    expect(long).toBeGreaterThan(short);
    expect(await router.score("a very long prompt without the keyword, longer than both others")).toBeLessThan(short);
  });

  it("orders tied prompts earlier first with tieBreak order", async () => {
    const router = promptRouterFrom({ name: "solve", router: rules, tieBreak: "order" });
    expect(await router.score("solve x")).toBeGreaterThan(await router.score("solve x"));
  });
});

describe("llmPromptRouter", () => {
  it("scores by the chat model's confidence, reading its JSON answer", async () => {
    const model = new FakeListChatModel({
      responses: [
        '{"category": "strong", "confidence": 0.9, "reason": "math"}',
        '{"category": "weak", "confidence": 0.7, "reason": "easy"}',
      ],
    });
    const router = llmPromptRouter({ model });
    expect(await router.score("Prove that there are infinitely many primes.")).toBeCloseTo(0.9, 10);
    expect(await router.score("What colour is the sky?")).toBeCloseTo(0.3, 10);
  });

  it("scores 0 when the model's answer holds no category", async () => {
    const router = llmPromptRouter({ model: new FakeListChatModel({ responses: ["I am not sure."] }) });
    expect(await router.score("Anything")).toBe(0);
  });
});

describe("embeddingPromptRouter", () => {
  it("scores by the nearest labelled examples' vote for strong", async () => {
    const router = embeddingPromptRouter({
      embeddings: digitEmbeddings,
      examples: [
        { text: "She buys 3 apples at $2", category: "strong" },
        { text: "Name the capital of France", category: "weak" },
      ],
      k: 1,
    });
    expect(await router.score("He runs 5 miles a day for 7 days")).toBe(1);
    expect(await router.score("Who painted the Mona Lisa?")).toBe(0);
  });
});

describe("fixedRouterResults", () => {
  it("places always-weak at (0, weak) with APGR 0 and always-strong at (1, strong) with APGR 1", () => {
    const [alwaysWeak, alwaysStrong] = fixedRouterResults({ weakQuality: 0.6, strongQuality: 0.9 });
    expect(alwaysWeak).toMatchObject({ router: "always-weak", points: [{ strongShare: 0, quality: 0.6 }], apgr: 0 });
    expect(alwaysStrong).toMatchObject({ router: "always-strong", points: [{ strongShare: 1, quality: 0.9 }], apgr: 1 });
    expect(alwaysWeak!.strongShareFor["20"]).toBeUndefined();
  });
});

import { ConfigError } from "../../src/errors/ConfigError.js";
import { describe, expect, it } from "vitest";
import { createExtractor, type ExtractorSpec } from "../../src/voting/createExtractor.js";
import { FixedEmbeddings } from "./FixedEmbeddings.js";

function keyOf(spec: ExtractorSpec, text: string): string | undefined {
  const extractor = createExtractor(spec);
  if (extractor.kind !== "key") throw new Error(`expected a key extractor for ${spec.type}`);
  return extractor.extract(text);
}

describe("createExtractor", () => {
  it("builds the number extractor", () => {
    expect(keyOf({ type: "number" }, "#### 1,234")).toBe("1234");
  });

  it("builds the choice extractor with its choices", () => {
    expect(keyOf({ type: "choice" }, "The answer is (E)")).toBeUndefined();
    expect(keyOf({ type: "choice", choices: ["A", "B", "C", "D", "E"] }, "The answer is (E)")).toBe("E");
  });

  it("builds the exact extractor", () => {
    expect(keyOf({ type: "exact" }, "The answer is Paris.")).toBe("paris");
  });

  it("builds cluster extractors with their threshold", () => {
    const lexical = createExtractor({ type: "cluster", similarity: "lexical", threshold: 0.4 });
    const embedding = createExtractor({ type: "cluster", similarity: "embedding", threshold: 0.8, embeddings: new FixedEmbeddings({}) });
    expect([lexical.kind, lexical.name, lexical.kind === "cluster" && lexical.threshold]).toEqual(["cluster", "cluster:lexical", 0.4]);
    expect([embedding.name, embedding.kind === "cluster" && embedding.threshold]).toEqual(["cluster:embedding", 0.8]);
  });

  it("requires embeddings for embedding similarity", () => {
    expect(() => createExtractor({ type: "cluster", similarity: "embedding", threshold: 0.8 })).toThrow(
      /extractor: embeddings: .*needs `embeddings`/,
    );
    expect(() => createExtractor({ type: "cluster", similarity: "embedding", threshold: 0.8 })).toThrow(ConfigError);
  });

  it("rejects a threshold outside 0..1", () => {
    expect(() => createExtractor({ type: "cluster", similarity: "lexical", threshold: 1.2 })).toThrow(/from 0 to 1, got 1.2/);
  });

  it("rejects an unknown type or similarity, naming the accepted ones", () => {
    expect(() => createExtractor({ type: "regex" } as unknown as ExtractorSpec)).toThrow(
      /unknown extractor type "regex"; expected one of choice, number, exact, cluster/,
    );
    expect(() => createExtractor({ type: "cluster", similarity: "bm25", threshold: 0.5 } as unknown as ExtractorSpec)).toThrow(
      /similarity must be "lexical" or "embedding", got "bm25"/,
    );
  });
});

import { Embeddings } from "@langchain/core/embeddings";

/** Test double: embeds each known text as a fixed vector, records every batch, fails on unknown text. */
export class FixedEmbeddings extends Embeddings {
  readonly batches: string[][] = [];

  constructor(private readonly vectors: Record<string, number[]>) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.batches.push(texts);
    return texts.map((text) => this.vector(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }

  private vector(text: string): number[] {
    const vector = this.vectors[text];
    if (!vector) throw new Error(`FixedEmbeddings: no vector for ${JSON.stringify(text)}`);
    return vector;
  }
}

import { Embeddings } from "@langchain/core/embeddings";

/** How {@link TestEmbeddings} behaves. */
export interface TestEmbeddingsOptions {
  /** Vector of a text: a table (unknown texts throw) or a function. */
  vectors: Readonly<Record<string, number[]>> | ((text: string) => number[]);
  /** The first `n` embedDocuments calls reject (simulates a server still starting). */
  failDocumentCalls?: number;
  /** Delay of every call; `Infinity` never answers. */
  delayMs?: number;
}

/**
 * Deterministic LangChain embeddings for router tests: vectors come from a table or a function, and
 * every call is recorded, so tests can design similarities exactly and count embedding requests.
 *
 * @example
 * const embeddings = new TestEmbeddings({ vectors: { refund: [1, 0], crash: [0, 1] }, failDocumentCalls: 1 });
 */
export class TestEmbeddings extends Embeddings {
  readonly documentCalls: string[][] = [];
  readonly queryCalls: string[] = [];
  private failuresLeft: number;

  constructor(private readonly options: TestEmbeddingsOptions) {
    super({ maxRetries: 0 });
    this.failuresLeft = options.failDocumentCalls ?? 0;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.documentCalls.push(texts);
    await this.wait();
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error("embedding server not ready");
    }
    return texts.map((t) => this.vectorOf(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    this.queryCalls.push(text);
    await this.wait();
    return this.vectorOf(text);
  }

  private vectorOf(text: string): number[] {
    const { vectors } = this.options;
    if (typeof vectors === "function") return vectors(text);
    const vector = vectors[text];
    if (!vector) throw new Error(`TestEmbeddings has no vector for "${text}"`);
    return vector;
  }

  private wait(): Promise<void> {
    const { delayMs } = this.options;
    if (!delayMs) return Promise.resolve();
    return new Promise((resolve) => {
      if (Number.isFinite(delayMs)) setTimeout(resolve, delayMs);
    });
  }
}

/**
 * Vectors along named topic axes: each word listed under an axis adds 1 to that axis. Texts with no
 * listed word are the zero vector.
 *
 * @example
 * const vec = topicVectors({ billing: ["refund"], tech: ["crash"] });
 * vec("refund after the crash"); // [1, 1]
 */
export function topicVectors(axes: Record<string, string[]>): (text: string) => number[] {
  const lists = Object.values(axes);
  return (text) => {
    const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    return lists.map((list) => words.filter((w) => list.includes(w)).length);
  };
}

import { createHash } from "node:crypto";
import { JsonPlusSerializer, type SerializerProtocol } from "@langchain/langgraph-checkpoint";

/** Where the large strings of checkpoints are kept, once each, by content hash. */
export interface LargeValueStore {
  put(hash: string, value: string): Promise<void>;
  get(hash: string): Promise<string | undefined>;
}

// Strings at least this long are stored once by hash; shorter ones stay inline, where they cost less than a lookup.
const LARGE_STRING_CHARS = 64 * 1024;
const MARK = "__moa_large_value__";

/**
 * The checkpoint serializer of the run stores, storing each large string once. One question is written by a
 * run several times over (the graph's input, the conversation's write, the prompts' records), and a 10 MB
 * question made a 50 MB database; here every copy after the first costs a 64-byte reference.
 *
 * @example
 * const saver = new SqliteSaver(db, new LargeValueSerializer(sqliteLargeValues(db)));
 */
export class LargeValueSerializer implements SerializerProtocol {
  readonly #inner = new JsonPlusSerializer();
  readonly #store: LargeValueStore;

  constructor(store: LargeValueStore) {
    this.#store = store;
  }

  async dumpsTyped(data: unknown): Promise<[string, Uint8Array]> {
    const [type, bytes] = await this.#inner.dumpsTyped(data);
    // Only a serialization this large can hold a large string: the common small write pays nothing more.
    if (type !== "json" || bytes.length < LARGE_STRING_CHARS) return [type, bytes];
    const stored = await this.#externalize(JSON.parse(new TextDecoder().decode(bytes)));
    return [type, new TextEncoder().encode(JSON.stringify(stored))];
  }

  async loadsTyped(type: string, data: Uint8Array | string): Promise<unknown> {
    if (type === "json") {
      const text = typeof data === "string" ? data : new TextDecoder().decode(data);
      if (text.includes(`"${MARK}"`)) return this.#inner.loadsTyped(type, JSON.stringify(await this.#internalize(JSON.parse(text))));
    }
    return this.#inner.loadsTyped(type, data);
  }

  async #externalize(value: unknown): Promise<unknown> {
    if (typeof value === "string" && value.length >= LARGE_STRING_CHARS) {
      const hash = createHash("sha256").update(value).digest("hex");
      await this.#store.put(hash, value);
      return { [MARK]: hash };
    }
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.#externalize(item)));
    if (value !== null && typeof value === "object") {
      const entries = await Promise.all(Object.entries(value).map(async ([key, item]) => [key, await this.#externalize(item)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  }

  async #internalize(value: unknown): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.#internalize(item)));
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    const hash = record[MARK];
    if (typeof hash === "string" && Object.keys(record).length === 1) {
      const stored = await this.#store.get(hash);
      // A reference whose value is missing stays as it is rather than failing the whole thread.
      if (stored !== undefined) return stored;
    }
    const entries = await Promise.all(Object.entries(record).map(async ([key, item]) => [key, await this.#internalize(item)] as const));
    return Object.fromEntries(entries);
  }
}

import { open, type FileHandle } from "node:fs/promises";

/**
 * Limits far above any real model (the largest vocabularies have ~260k tokens and ~500k merges,
 * the largest models a few thousand tensors, chat templates tens of kB) and far below what would
 * exhaust memory when a parser allocates for them.
 */
export const GGUF_HEADER_LIMITS = {
  tensors: 1_000_000,
  keys: 1_000_000,
  arrayElements: 16_000_000,
  stringBytes: 16 * 1024 * 1024,
  dimensions: 8,
  arrayNesting: 4,
} as const;

/** Options of {@link checkGgufHeader}. */
export interface CheckGgufHeaderOptions {
  /** Absolute path of the file. */
  filePath: string;
  /** Its size in bytes (from a `stat` the caller already made). */
  fileSizeBytes: number;
}

// Bytes of a scalar of each GGUF value type; strings (8) and arrays (12) are their fixed prefixes.
const TYPE_SIZES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: 8, 9: 12, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
// Smallest possible key/value (empty key, type, a one-byte value) and tensor info (empty name, no dims, type, offset).
const MIN_KEY_VALUE_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
const CHUNK_BYTES = 1024 * 1024;

/**
 * Walks a GGUF header (magic, version, counts, every key/value and tensor info) checking each count
 * and length against the bytes actually left in the file and against {@link GGUF_HEADER_LIMITS},
 * before any parser allocates for them: a 24-byte file claiming 2^40 tensors made node-llama-cpp's
 * reader allocate without end. Reads the header only, in 1 MB chunks, and allocates nothing sized
 * by the file's claims.
 *
 * @returns `undefined` when the header is sound, else why not (for an error message).
 * @example
 * const problem = await checkGgufHeader({ filePath, fileSizeBytes: (await stat(filePath)).size });
 * if (problem) throw new Error(`not a valid GGUF file: ${filePath} (${problem})`);
 */
export async function checkGgufHeader({ filePath, fileSizeBytes }: CheckGgufHeaderOptions): Promise<string | undefined> {
  const handle = await open(filePath, "r");
  try {
    return await walkHeader(new HeaderCursor(handle, fileSizeBytes));
  } catch (error) {
    if (error instanceof HeaderProblem) return error.message;
    throw error;
  } finally {
    await handle.close();
  }
}

class HeaderProblem extends Error {}

// GGUF's metadata value type of a string.
const GGUF_STRING_TYPE = 8;

async function walkHeader(cursor: HeaderCursor): Promise<undefined> {
  if (cursor.size < 4 || (await cursor.bytes(4)).toString("latin1") !== "GGUF") throw new HeaderProblem("no GGUF magic bytes");
  const versionBytes = await cursor.bytes(4);
  // Big-endian files carry the same header with its integers byte-swapped.
  cursor.littleEndian = versionBytes.readUInt32LE(0) <= 0xffff;
  const version = cursor.littleEndian ? versionBytes.readUInt32LE(0) : versionBytes.readUInt32BE(0);
  if (version < 1 || version > 3) throw new HeaderProblem(`unsupported GGUF version ${version}`);
  // Version 1 wrote counts and lengths as 32-bit integers, later versions as 64-bit.
  cursor.wide = version > 1;
  const tensors = await cursor.count("tensor count");
  const keys = await cursor.count("metadata key count");
  if (tensors > GGUF_HEADER_LIMITS.tensors)
    throw new HeaderProblem(`the header claims ${tensors} tensors (at most ${GGUF_HEADER_LIMITS.tensors})`);
  if (keys > GGUF_HEADER_LIMITS.keys)
    throw new HeaderProblem(`the header claims ${keys} metadata keys (at most ${GGUF_HEADER_LIMITS.keys})`);
  const least = tensors * MIN_TENSOR_INFO_BYTES + keys * MIN_KEY_VALUE_BYTES;
  if (least > cursor.remaining)
    throw new HeaderProblem(`the header claims ${tensors} tensors and ${keys} metadata keys, more than its ${cursor.size} bytes can hold`);

  let architecture = false;
  for (let i = 0; i < keys; i++) {
    const key = await cursor.shortString("metadata key");
    const type = await cursor.u32();
    if (key === "general.architecture" && type === GGUF_STRING_TYPE) architecture = true;
    await skipValue(cursor, type, 0);
  }
  for (let i = 0; i < tensors; i++) {
    await cursor.skipString("tensor name");
    const dimensions = await cursor.u32();
    if (dimensions > GGUF_HEADER_LIMITS.dimensions)
      throw new HeaderProblem(`tensor ${i} claims ${dimensions} dimensions (at most ${GGUF_HEADER_LIMITS.dimensions})`);
    cursor.skip(dimensions * 8 + 4 + 8, "tensor info");
  }
  // Every model file names its architecture; without it llama.cpp's loader fails with a crash of its own.
  if (!architecture) throw new HeaderProblem("it names no general.architecture, which every model file does");
  return undefined;
}

async function skipValue(cursor: HeaderCursor, type: number, depth: number): Promise<void> {
  const size = TYPE_SIZES[type];
  if (size === undefined) throw new HeaderProblem(`unknown metadata value type ${type}`);
  if (type === STRING) return cursor.skipString("string value");
  if (type !== ARRAY) return cursor.skip(size, "metadata value");
  if (depth >= GGUF_HEADER_LIMITS.arrayNesting) throw new HeaderProblem(`arrays nested more than ${GGUF_HEADER_LIMITS.arrayNesting} deep`);
  const elementType = await cursor.u32();
  const elementSize = TYPE_SIZES[elementType];
  if (elementSize === undefined) throw new HeaderProblem(`unknown array element type ${elementType}`);
  const count = await cursor.count("array length");
  if (count > GGUF_HEADER_LIMITS.arrayElements)
    throw new HeaderProblem(`an array claims ${count} elements (at most ${GGUF_HEADER_LIMITS.arrayElements})`);
  if (count * elementSize > cursor.remaining)
    throw new HeaderProblem(`an array claims ${count} elements, more than the ${cursor.remaining} bytes left in the file`);
  if (elementType !== STRING && elementType !== ARRAY) return cursor.skip(count * elementSize, "array");
  for (let i = 0; i < count; i++) await skipValue(cursor, elementType, depth + 1);
}

/** Sequential reads over a file handle through a 1 MB window; every read is checked against the file's end. */
class HeaderCursor {
  littleEndian = true;
  wide = true;
  private position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  get remaining(): number {
    return this.size - this.position;
  }

  async u32(): Promise<number> {
    const bytes = await this.bytes(4);
    return this.littleEndian ? bytes.readUInt32LE(0) : bytes.readUInt32BE(0);
  }

  /** A count or length (32 or 64 bits by version), refused when it cannot be a safe integer. */
  async count(what: string): Promise<number> {
    if (!this.wide) return this.u32();
    const bytes = await this.bytes(8);
    const value = this.littleEndian ? bytes.readBigUInt64LE(0) : bytes.readBigUInt64BE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeaderProblem(`the ${what} ${value} is impossibly large`);
    return Number(value);
  }

  /** A string short enough to be a key name, read; a longer one is skipped (undefined). */
  async shortString(what: string): Promise<string | undefined> {
    const length = await this.count(`${what} length`);
    if (length > GGUF_HEADER_LIMITS.stringBytes)
      throw new HeaderProblem(`a ${what} claims ${length} bytes (at most ${GGUF_HEADER_LIMITS.stringBytes})`);
    if (length > 256) {
      this.skip(length, what);
      return undefined;
    }
    return (await this.bytes(length)).toString("utf8");
  }

  async skipString(what: string): Promise<void> {
    const length = await this.count(`${what} length`);
    if (length > GGUF_HEADER_LIMITS.stringBytes)
      throw new HeaderProblem(`a ${what} claims ${length} bytes (at most ${GGUF_HEADER_LIMITS.stringBytes})`);
    this.skip(length, what);
  }

  skip(length: number, what: string): void {
    this.ensureLeft(length, what);
    this.position += length;
  }

  async bytes(length: number): Promise<Buffer> {
    this.ensureLeft(length, "header");
    const offset = this.position - this.windowStart;
    if (offset < 0 || offset + length > this.window.length) {
      const size = Math.min(Math.max(length, CHUNK_BYTES), this.remaining);
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await this.handle.read(buffer, 0, size, this.position);
      if (bytesRead < length) throw new HeaderProblem("the file ended inside its header");
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = this.position;
    }
    const start = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(start, start + length);
  }

  private ensureLeft(length: number, what: string): void {
    if (length > this.remaining)
      throw new HeaderProblem(
        `a ${what} at byte ${this.position} claims ${length} bytes, more than the ${this.remaining} left in the file`,
      );
  }
}

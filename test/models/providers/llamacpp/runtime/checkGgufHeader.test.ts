import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkGgufHeader } from "../../../../../src/models/providers/llamacpp/runtime/checkGgufHeader.js";
import { estimateLlamaMemory } from "../../../../../src/models/providers/llamacpp/runtime/estimateLlamaMemory.js";
import { GgufError, readGgufInfo } from "../../../../../src/models/providers/llamacpp/runtime/ggufInfo.js";

// Hostile headers written by hand: each would make a trusting parser allocate for its claims.

const MODEL_PATH = path.resolve(import.meta.dirname, "../../../../../../shared/models/llama-2-tiny-random.gguf");
const dir = mkdtempSync(path.join(tmpdir(), "moa-gguf-"));

function header({ tensors, keys }: { tensors: bigint; keys: bigint }): Buffer {
  const bytes = Buffer.alloc(24);
  bytes.write("GGUF", 0, "latin1");
  bytes.writeUInt32LE(3, 4);
  bytes.writeBigUInt64LE(tensors, 8);
  bytes.writeBigUInt64LE(keys, 16);
  return bytes;
}

function u64(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes;
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

function gguf(name: string, ...parts: Buffer[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

const check = (filePath: string) => checkGgufHeader({ filePath, fileSizeBytes: statSync(filePath).size });

describe("checkGgufHeader", () => {
  it("passes a real model's header", async () => {
    expect(await check(MODEL_PATH)).toBeUndefined();
  });

  it("refuses 2^40 tensors and keys in a 24-byte file", async () => {
    const file = gguf("counts.gguf", header({ tensors: 2n ** 40n, keys: 2n ** 40n }));
    expect(await check(file)).toMatch(/claims 1099511627776 tensors \(at most 1000000\)/);
  });

  it("refuses counts that are plausible alone but more than the file holds", async () => {
    const file = gguf("small.gguf", header({ tensors: 1000n, keys: 1000n }));
    expect(await check(file)).toBe("the header claims 1000 tensors and 1000 metadata keys, more than its 24 bytes can hold");
  });

  it("refuses a key whose length runs past the end of the file", async () => {
    const file = gguf("key.gguf", header({ tensors: 0n, keys: 1n }), u64(2n ** 33n), u32(4), u32(0));
    expect(await check(file)).toMatch(/metadata key claims 8589934592 bytes \(at most 16777216\)/);
    const shorter = gguf("key2.gguf", header({ tensors: 0n, keys: 1n }), u64(1000n), u32(4), u32(0));
    expect(await check(shorter)).toMatch(/metadata key at byte 32 claims 1000 bytes, more than the 8 left in the file/);
  });

  it("refuses an array whose elements cannot fit, and unknown types", async () => {
    const key = Buffer.concat([u64(1n), Buffer.from("k")]);
    const array = gguf("array.gguf", header({ tensors: 0n, keys: 1n }), key, u32(9), u32(8), u64(5_000_000n), u64(0n));
    expect(await check(array)).toMatch(/an array claims 5000000 elements, more than the 8 bytes left in the file/);
    const unknown = gguf("type.gguf", header({ tensors: 0n, keys: 1n }), key, u32(99), u32(0));
    expect(await check(unknown)).toBe("unknown metadata value type 99");
  });

  it("refuses a well-formed header that names no architecture", async () => {
    const key = Buffer.concat([u64(13n), Buffer.from("general.title"), u32(8), u64(1n), Buffer.from("x")]);
    const file = gguf("noarch.gguf", header({ tensors: 0n, keys: 1n }), key);
    expect(await check(file)).toBe("it names no general.architecture, which every model file does");
  });

  it("refuses a tensor with more dimensions than any model has, and a truncated header", async () => {
    const tensor = gguf("dims.gguf", header({ tensors: 1n, keys: 0n }), u64(0n), u32(1_000_000), Buffer.alloc(16));
    expect(await check(tensor)).toMatch(/tensor 0 claims 1000000 dimensions/);
    const truncated = gguf("short.gguf", Buffer.from("GGUF"), u32(3), Buffer.alloc(4));
    expect(await check(truncated)).toMatch(/claims 8 bytes, more than the 4 left/);
  });
});

describe("readers of a hostile header", () => {
  const hostile = gguf("hostile.gguf", header({ tensors: 2n ** 40n, keys: 2n ** 40n }));

  it("readGgufInfo fails at once with a GgufError naming the file", async () => {
    const error = await readGgufInfo(hostile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GgufError);
    expect((error as GgufError).reason).toBe("not-gguf");
    expect((error as GgufError).message).toBe(
      `not a valid GGUF file: ${hostile} (the header claims 1099511627776 tensors (at most 1000000))`,
    );
  });

  it("the memory estimate falls back to the file size instead of parsing it", async () => {
    const estimate = await estimateLlamaMemory({ modelPath: hostile });
    expect(estimate).toMatchObject({ method: "fallback", modelPath: hostile });
  });
});

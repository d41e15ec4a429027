import { describe, expect, it } from "vitest";
import { SequencePool } from "../../../../../src/models/providers/llamacpp/runtime/sequencePool.js";

describe("SequencePool", () => {
  it("hands out every free item without waiting", async () => {
    const pool = new SequencePool(["a", "b"]);

    const items = await Promise.all([pool.acquire(), pool.acquire()]);

    expect(items.sort()).toEqual(["a", "b"]);
    expect(pool.available).toBe(0);
  });

  it("queues callers when all items are busy and serves them in arrival order", async () => {
    const pool = new SequencePool(["only"]);
    const held = await pool.acquire();
    const order: number[] = [];
    const first = pool.acquire().then((item) => {
      order.push(1);
      pool.release(item);
    });
    const second = pool.acquire().then((item) => {
      order.push(2);
      pool.release(item);
    });
    expect(pool.waiting).toBe(2);

    pool.release(held);
    await Promise.all([first, second]);

    expect(order).toEqual([1, 2]);
    expect(pool.available).toBe(1);
  });

  it("use() gives the item back even when the callback throws", async () => {
    const pool = new SequencePool([1]);

    await expect(pool.use(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");

    expect(pool.available).toBe(1);
  });

  it("a queued caller whose signal aborts leaves the queue and rejects", async () => {
    const pool = new SequencePool(["only"]);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);

    controller.abort(new Error("gave up"));

    await expect(waiting).rejects.toThrow("gave up");
    expect(pool.waiting).toBe(0);
    pool.release(held);
    expect(pool.available).toBe(1);
  });

  it("close() rejects waiting callers and later acquires", async () => {
    const pool = new SequencePool(["only"]);
    await pool.acquire();
    const waiting = pool.acquire();

    pool.close(new Error("closed"));

    await expect(waiting).rejects.toThrow("closed");
    await expect(pool.acquire()).rejects.toThrow("closed");
  });
});

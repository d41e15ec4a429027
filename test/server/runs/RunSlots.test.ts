import { describe, expect, it } from "vitest";
import { RunSlots, SlotRefusedError } from "../../../src/server/runs/RunSlots.js";

describe("RunSlots", () => {
  it("gives slots up to the limit, then queues in arrival order", async () => {
    const slots = new RunSlots({ maxRunning: 1, maxWaiting: 2 });
    const order: string[] = [];
    const first = await slots.acquire();
    const second = slots.acquire().then((release) => (order.push("second"), release));
    const third = slots.acquire().then((release) => (order.push("third"), release));
    expect(slots.load).toEqual({ running: 1, waiting: 2 });
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(["second", "third"]);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses at once when the line is full", async () => {
    const slots = new RunSlots({ maxRunning: 1, maxWaiting: 0 });
    await slots.acquire();
    await expect(slots.acquire()).rejects.toMatchObject({ reason: "queue_full" });
  });

  it("takes a waiting request out of line when its client leaves", async () => {
    const slots = new RunSlots({ maxRunning: 1, maxWaiting: 1 });
    const release = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(SlotRefusedError);
    expect(slots.load.waiting).toBe(0);
    release();
    expect(slots.load.running).toBe(0);
  });

  it("refuses new requests once closed and reports idle when the last run ends", async () => {
    const slots = new RunSlots({ maxRunning: 2, maxWaiting: 2 });
    const release = await slots.acquire();
    slots.close();
    await expect(slots.acquire()).rejects.toMatchObject({ reason: "closed" });
    let idle = false;
    const done = slots.idle().then(() => (idle = true));
    expect(idle).toBe(false);
    release();
    release();
    await done;
    expect(slots.load.running).toBe(0);
  });
});

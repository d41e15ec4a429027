import { describe, expect, it } from "vitest";
import { backoffDelay, MAX_BACKOFF_MS } from "../../src/policy/backoffDelay.js";
import { MAX_RETRY_AFTER_MS, withRetries, type RetryOptions } from "../../src/policy/withRetries.js";

const http = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status_code: status, headers });

/** An attempt function that fails with `errors` in turn, then answers "ok"; it counts its calls. */
function script(...errors: Error[]) {
  const calls = { count: 0 };
  const attempt = async () => {
    const error = errors[calls.count++];
    if (error) throw error;
    return "ok";
  };
  return { attempt, calls };
}

/** Records the waits instead of sleeping, so delays are asserted exactly and tests run instantly. */
function recordedWaits(): { waits: number[]; options: Pick<RetryOptions, "sleep" | "random"> } {
  const waits: number[] = [];
  return { waits, options: { sleep: async (ms) => void waits.push(ms), random: () => 1 } };
}

describe("withRetries", () => {
  it("retries a transient failure and returns the answer of the attempt that succeeded", async () => {
    const { attempt, calls } = script(http(500), http(503));
    const { options } = recordedWaits();
    await expect(withRetries(attempt, { retries: 2, backoffMs: 100, ...options })).resolves.toBe("ok");
    expect(calls.count).toBe(3);
  });

  it("stops after `retries` retries and throws the last error", async () => {
    const last = http(502);
    const { attempt, calls } = script(http(500), http(500), last);
    const { options } = recordedWaits();
    await expect(withRetries(attempt, { retries: 2, backoffMs: 100, ...options })).rejects.toBe(last);
    expect(calls.count).toBe(3);
  });

  it("makes one attempt only with retries: 0", async () => {
    const { attempt, calls } = script(http(500));
    await expect(withRetries(attempt, { retries: 0, backoffMs: 100, ...recordedWaits().options })).rejects.toThrow("HTTP 500");
    expect(calls.count).toBe(1);
  });

  it("does not retry a 404", async () => {
    const { attempt, calls } = script(http(404));
    await expect(withRetries(attempt, { retries: 3, backoffMs: 100, ...recordedWaits().options })).rejects.toThrow("HTTP 404");
    expect(calls.count).toBe(1);
  });

  it("doubles the backoff on each retry", async () => {
    const { attempt } = script(http(500), http(500), http(500));
    const { waits, options } = recordedWaits();
    await withRetries(attempt, { retries: 3, backoffMs: 100, ...options });
    expect(waits).toEqual([100, 200, 400]);
  });

  it("waits the Retry-After of a 429 instead of its own backoff", async () => {
    const { attempt } = script(http(429, { "retry-after": "2" }));
    const { waits, options } = recordedWaits();
    await withRetries(attempt, { retries: 1, backoffMs: 100, ...options });
    expect(waits).toEqual([2000]);
  });

  it("caps a very long Retry-After", async () => {
    const { attempt } = script(http(429, { "retry-after": "86400" }));
    const { waits, options } = recordedWaits();
    await withRetries(attempt, { retries: 1, backoffMs: 100, ...options });
    expect(waits).toEqual([MAX_RETRY_AFTER_MS]);
  });

  it("stops waiting as soon as the signal aborts, without another attempt", async () => {
    const { attempt, calls } = script(http(500));
    const controller = new AbortController();
    const reason = new DOMException("run cancelled", "AbortError");
    setTimeout(() => controller.abort(reason), 20);
    // A one-minute backoff, longer than the test may take: only the abort can end this wait.
    await expect(withRetries(attempt, { retries: 1, backoffMs: 60_000, signal: controller.signal })).rejects.toBe(reason);
    expect(calls.count).toBe(1);
  });

  it("does not retry once the signal has aborted", async () => {
    const controller = new AbortController();
    const { attempt, calls } = script(http(500));
    const failing = async () => {
      controller.abort();
      return attempt();
    };
    await expect(withRetries(failing, { retries: 3, backoffMs: 1, signal: controller.signal })).rejects.toThrow("HTTP 500");
    expect(calls.count).toBe(1);
  });
});

describe("backoffDelay", () => {
  it("stays between half and all of the exponential delay (equal jitter)", () => {
    expect(backoffDelay(3, 500, () => 0)).toBe(1000);
    expect(backoffDelay(3, 500, () => 1)).toBe(2000);
  });

  it("never exceeds the cap", () => {
    expect(backoffDelay(20, 500, () => 1)).toBe(MAX_BACKOFF_MS);
  });
});

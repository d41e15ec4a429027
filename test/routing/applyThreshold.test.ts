import { describe, expect, it, vi } from "vitest";
import { applyThreshold, routeWithFallback, RouterConfigError, type RouteDecision, type Router } from "../../src/routing/index.js";

const policy = { threshold: 0.6, fallback: "general", categories: ["billing", "tech"] };
const decision = (category: string | undefined, confidence: number): RouteDecision => ({ category, confidence, reason: "test" });

describe("applyThreshold", () => {
  it("keeps a confident proposal in the list", () => {
    expect(applyThreshold(decision("billing", 0.9), policy)).toEqual({
      category: "billing",
      proposedCategory: "billing",
      confidence: 0.9,
      reason: "test",
      usedFallback: false,
    });
  });

  it("accepts a confidence equal to the threshold", () => {
    expect(applyThreshold(decision("tech", 0.6), policy).usedFallback).toBe(false);
  });

  it("sends a confidence below the threshold to the fallback and says so", () => {
    const final = applyThreshold(decision("billing", 0.42), policy);
    expect(final).toMatchObject({ category: "general", proposedCategory: "billing", usedFallback: true, fallbackCause: "low_confidence" });
    expect(final.fallbackReason).toBe("confidence 0.42 is below the threshold 0.6");
  });

  it("sends an unknown proposal to the fallback", () => {
    expect(applyThreshold(decision(undefined, 0), policy)).toMatchObject({
      category: "general",
      proposedCategory: undefined,
      fallbackCause: "unknown",
    });
  });

  it("sends a category outside the list to the fallback, naming it", () => {
    const final = applyThreshold(decision("refunds", 0.99), policy);
    expect(final).toMatchObject({ category: "general", fallbackCause: "not_a_category" });
    expect(final.fallbackReason).toContain('"refunds" is not one of the categories (billing, tech)');
  });

  it("counts a confidence that is not a number as 0", () => {
    expect(applyThreshold(decision("billing", Number.NaN), { ...policy, threshold: 0.1 })).toMatchObject({
      confidence: 0,
      fallbackCause: "low_confidence",
    });
  });

  it("with threshold 0 keeps any known proposal, however unsure", () => {
    expect(applyThreshold(decision("billing", 0), { ...policy, threshold: 0 }).usedFallback).toBe(false);
  });

  it("rejects a threshold outside [0, 1]", () => {
    expect(() => applyThreshold(decision("billing", 1), { ...policy, threshold: 1.5 })).toThrow(RouterConfigError);
  });

  it("rejects a blank fallback", () => {
    expect(() => applyThreshold(decision("billing", 1), { ...policy, fallback: " " })).toThrow(/fallback must name/);
  });
});

describe("routeWithFallback", () => {
  const stub = (d: RouteDecision): Router & { route: ReturnType<typeof vi.fn> } => ({ kind: "stub", route: vi.fn(async () => d) });

  it("checks the proposal against the input's categories when the policy names none", async () => {
    const router = stub(decision("shipping", 1));
    const final = await routeWithFallback(router, { text: "x", categories: ["billing", "tech"] }, { threshold: 0.5, fallback: "general" });
    expect(final).toMatchObject({ category: "general", fallbackCause: "not_a_category" });
  });

  it("rejects an invalid policy before calling the router", async () => {
    const router = stub(decision("billing", 1));
    await expect(routeWithFallback(router, { text: "x", categories: ["billing"] }, { threshold: -1, fallback: "general" })).rejects.toThrow(
      RouterConfigError,
    );
    expect(router.route).not.toHaveBeenCalled();
  });
});

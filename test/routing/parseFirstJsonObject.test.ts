import { describe, expect, it } from "vitest";
import { parseFirstJsonObject } from "../../src/routing/index.js";

describe("parseFirstJsonObject", () => {
  it("finds an object inside prose", () => {
    expect(parseFirstJsonObject('I think this is about money. {"category": "billing", "confidence": 0.8} Hope that helps!')).toEqual({
      category: "billing",
      confidence: 0.8,
    });
  });

  it("finds an object inside a code fence", () => {
    expect(parseFirstJsonObject('```json\n{\n  "category": "tech"\n}\n```')).toEqual({ category: "tech" });
  });

  it("skips braces that are not JSON before the object", () => {
    expect(parseFirstJsonObject('Categories are {billing} and {tech}. Answer: {"category": "tech"}')).toEqual({ category: "tech" });
  });

  it("ignores braces inside strings, including escaped quotes", () => {
    expect(parseFirstJsonObject('{"reason": "mentions \\"}\\" and {", "category": "tech"}')).toEqual({
      reason: 'mentions "}" and {',
      category: "tech",
    });
  });

  it("returns the outer object when objects are nested", () => {
    expect(parseFirstJsonObject('x {"a": {"b": 1}, "c": 2} y')).toEqual({ a: { b: 1 }, c: 2 });
  });

  it("goes past an unterminated object to a complete one", () => {
    expect(parseFirstJsonObject('{"category": "billing", {"category": "tech"}')).toEqual({ category: "tech" });
  });

  it("returns undefined when the text holds no object", () => {
    expect(parseFirstJsonObject('["billing"] or "tech", no object here')).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { redactCredentials } from "../../src/util/redactCredentials.js";

describe("redactCredentials", () => {
  it.each([
    ["openai:m@http://user:secret@host:8000/v1", "openai:m@http://user:***@host:8000/v1"],
    ["cannot open postgres://u:pw@db.example:5432/runs (refused)", "cannot open postgres://u:***@db.example:5432/runs (refused)"],
    ["mysql://u:pw@h/db", "mysql://u:***@h/db"],
    ["http://sk-live-token@host/v1", "http://***@host/v1"],
    ['"postgres://u:p@ss@h/db"', '"postgres://u:***@h/db"'],
    ["postgres://u:pa/ss@h/db", "postgres://u:***@h/db"],
    ["http://h/v1?api_key=abc&model=x", "http://h/v1?api_key=***&model=x"],
    ["postgresql://u:pw@h/db?sslpassword=ssl&password=q", "postgresql://u:***@h/db?sslpassword=***&password=***"],
    ["http://h/v1?x=1&access_token=abc#top", "http://h/v1?x=1&access_token=***#top"],
    ["https://b.s3/k?X-Amz-Signature=ff&X-Amz-Date=1", "https://b.s3/k?X-Amz-Signature=***&X-Amz-Date=1"],
    ["http://h/v1?key=abc", "http://h/v1?key=***"],
    ["first http://a:1@x and then https://b:2@y.", "first http://a:***@x and then https://b:***@y."],
  ])("hides the secret in %j", (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });

  it.each([
    "no url here",
    "http://127.0.0.1:11434",
    "http://host:8080/a@b",
    "https://registry.example/@scope/pkg?monkey=1",
    "ollama:qwen2.5:1.5b",
  ])("leaves %j as it is", (text) => {
    expect(redactCredentials(text)).toBe(text);
  });
});

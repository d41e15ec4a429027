import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type ModelBehavior, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { launchChromium } from "../helpers/chromium.js";
import { startDevServer, type DevServer } from "../helpers/devServer.js";
import { startMoaServe, type MoaServeProcess } from "../helpers/startMoaServe.js";

const root = path.resolve(import.meta.dirname, "../..");
const artifacts = path.join(root, "test-artifacts");

// Slow enough that every card is seen filling in before its agent answers (no timing is asserted).
const slow = (reply: string): ModelBehavior => ({ reply, chunkSize: 4, chunkDelayMs: 60 });
const REPLY = "The capital of Japan is Tokyo, a city of about fourteen million people on Honshu.";
const MODELS: Record<string, ModelBehavior> = {
  "qwen2.5:1.5b": slow("Tokyo is the capital of Japan, and has been since 1868 when the emperor moved there."),
  "llama3.2:1b": slow("Japan's capital is Tokyo, on the eastern coast of Honshu, the largest island."),
  "gemma2:2b": slow("Tokyo. It is also the most populous metropolitan area in the world."),
  "qwen2.5:3b": slow(REPLY),
};
const QUESTION = "What is the capital of Japan?";

let ollama: OllamaDouble;
let browser: BrowserContext;
const previousHost = process.env.OLLAMA_HOST;

beforeAll(async () => {
  // The page under test is the one `npm run build` makes.
  const built = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/build-web.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`building the web page failed:\n${built.stdout}${built.stderr}`);
  mkdirSync(artifacts, { recursive: true });
  ollama = await startOllamaDouble({ models: MODELS });
  process.env.OLLAMA_HOST = ollama.url;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ollama?.close();
  if (previousHost === undefined) delete process.env.OLLAMA_HOST;
  else process.env.OLLAMA_HOST = previousHost;
});

/** The scenario, on whichever server serves the page: pick, ask, watch the cards, get the reply and summary. */
async function askOnPage(page: Page, url: string, mixture: string, name: string): Promise<void> {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.locator(`select[aria-label="mixture"] option[value="${mixture}"]`).waitFor({ state: "attached" });
  await page.selectOption('select[aria-label="mixture"]', mixture);
  await expect.poll(() => page.locator(".diagram-agent").count()).toBe(4);
  await page.fill('textarea[aria-label="message"]', QUESTION);
  await page.click('button[type="submit"]');

  // Every agent of the first layer gets a card that fills in while its model still answers.
  await expect
    .poll(() => page.locator('.card[data-status="running"] .card-text').allTextContents(), { timeout: 60_000, interval: 20 })
    .toSatisfy((texts: string[]) => texts.length >= 3 && texts.every((text) => text.length > 0));
  await page.screenshot({ path: path.join(artifacts, `${name}-running.png`), fullPage: true });

  await page.locator(".summary").waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(artifacts, `${name}-done.png`), fullPage: true });
  const cards = await page.locator(".card").evaluateAll((nodes) =>
    nodes.map((node) => ({
      agent: node.getAttribute("data-agent"),
      status: node.getAttribute("data-status"),
      text: node.querySelector(".card-text")?.textContent,
    })),
  );
  expect(cards).toHaveLength(4);
  expect(cards.every((card) => card.status === "answered" && card.text)).toBe(true);
  expect(await page.locator(".reply p").textContent()).toBe(REPLY);
  expect(await page.locator(".summary").textContent()).toMatch(/calls4/);
  expect(await page.locator(".message-human").first().textContent()).toBe(QUESTION);
  // The conversation is listed, under its question, to be continued later.
  await expect.poll(() => page.locator(".threads .thread-title").allTextContents()).toContain(QUESTION);
  expect(errors).toEqual([]);
}

describe("the web page on the LangGraph dev server", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ env: { OLLAMA_HOST: ollama.url, MOA_PRESET: "moa-lite" } });
  }, 120_000);
  afterAll(async () => server?.close());

  it("runs a mixture live", async () => {
    const page = await browser.newPage();
    await askOnPage(page, server.url, "moa", "dev-server");
    await page.close();
  }, 120_000);
});

describe("the web page on moa serve", () => {
  let server: MoaServeProcess;
  let url: string;
  beforeAll(async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), "moa-web-")), "runs.sqlite");
    server = await startMoaServe(["moa-lite", "--backend", "ollama", "--db", db], { env: { OLLAMA_HOST: ollama.url } });
    url = server.origin;
  }, 120_000);
  afterAll(() => server?.kill());

  it("runs a mixture live, at phone width", async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await askOnPage(page, url, "moa-lite", "langgraph-api-375");
    expect(await page.locator("html").evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  }, 120_000);

  it("continues an earlier conversation picked from the thread list", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator(".threads .thread-title", { hasText: QUESTION }).first().click();
    await page.locator(".reply p", { hasText: REPLY }).waitFor();
    await page.fill('textarea[aria-label="message"]', "And of France?");
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator(".message-human").allTextContents(), { timeout: 60_000 }).toEqual([QUESTION, "And of France?"]);
    await page.locator(".summary").waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator(".card").count()).toBe(4);
    await page.screenshot({ path: path.join(artifacts, "langgraph-api-continued.png"), fullPage: true });
    await page.close();
  }, 120_000);

  it("asks for an API key when the server answers 401, and sends it as a bearer token", async () => {
    const keyed = await startMoaServe(["moa-lite", "--backend", "ollama", "--no-persist"], {
      env: { OLLAMA_HOST: ollama.url, MOA_API_KEYS: "sesame-sesame-sesame" },
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${keyed.origin}/`);
      await page.fill('input[aria-label="API key"]', "sesame-sesame-sesame");
      await page.click('.key-form button[type="submit"]');
      await page.locator('select[aria-label="mixture"] option[value="moa-lite"]').waitFor({ state: "attached" });
      expect(await page.locator(".key-form").count()).toBe(0);
      await page.close();
    } finally {
      keyed.kill();
    }
  }, 60_000);

  it("serves the page with a self-only content security policy", async () => {
    const response = await fetch(`${url}/`);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
  });
});

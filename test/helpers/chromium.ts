import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/**
 * Debian's chromium, headless, with a fresh profile and nothing of its own going to the network. A
 * machine without it fails the test that asks (never skips it): `apt-get install -y chromium`.
 */
export async function launchChromium({ width = 1280, height = 900 }: { width?: number; height?: number } = {}): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`);
  // launchPersistentContext takes the profile folder itself (launch() refuses a --user-data-dir argument).
  return chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), "moa-chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// The CLI tests run the built bin (what `npx moa` runs); rebuild when any source is newer.
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "..");
  const bin = path.join(root, "dist/src/cli/main.js");
  const newestSource = newestMtime(path.join(root, "src"));
  if (existsSync(bin) && statSync(bin).mtimeMs >= newestSource) return;
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], {
    stdio: "inherit",
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

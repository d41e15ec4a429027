/**
 * Bundles the web page (web/) into dist/web: index.html and content-hashed assets under assets/,
 * which src/server/web/webPage.ts serves. React and the LangGraph SDK are bundled in, so the
 * package needs none of them at run time. Run by `npm run build`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "dist", "web");
rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, "assets"), { recursive: true });

const result = await build({
  entryPoints: [path.join(root, "web", "main.tsx")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  // No source maps: they would triple what the package ships, and the sources are in the repository.
  sourcemap: false,
  jsx: "automatic",
  entryNames: "[name]-[hash]",
  outdir: path.join(out, "assets"),
  metafile: true,
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const js = outputs.find((file) => file.endsWith(".js"));
const css = outputs.find((file) => file.endsWith(".css"));
if (!js || !css) throw new Error(`esbuild wrote no ${js ? "CSS" : "JavaScript"} bundle: ${outputs.join(", ")}`);
const html = readFileSync(path.join(root, "web", "index.html"), "utf8")
  .replace("__JS__", js)
  .replace("__CSS__", css);
writeFileSync(path.join(out, "index.html"), html);
console.log(`web page: ${path.relative(root, out)} (${js}, ${css})`);

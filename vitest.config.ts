import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // README examples import the package by name; tests run them against the sources.
    alias: [
      { find: /^langgraph-moa$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^langgraph-moa\/models$/, replacement: fileURLToPath(new URL("./src/models/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.int.test.ts", "test/.tmp/**"],
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/globalSetup.ts"],
    reporters: ["default", "./test/summaryReporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The llama.cpp tests load native models; separate processes keep them from sharing one runtime.
    pool: "forks",
  },
});

import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/** Opt-in tests against real servers (a running Ollama, a real OpenAI-compatible endpoint). */
export default mergeConfig(base, defineConfig({ test: { include: ["test/**/*.int.test.ts"], exclude: ["**/node_modules/**"] } }));

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "server/test/**/*.test.ts",
      "sdk/test/**/*.test.ts",
      "examples/**/*.test.ts",
      "docs-site/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
  resolve: {
    alias: { "@segmento/sdk/schema": new URL("./sdk/src/generated/schema.ts", import.meta.url).pathname },
  },
});

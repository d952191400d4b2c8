import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "server/test/**/*.test.ts",
      "sdk/test/**/*.test.ts",
      "examples/**/*.test.ts",
      "docs-site/**/*.test.ts",
    ],
    // Generous: the suite must pass on a busy 2-core machine; speed is measured in bench/, not here.
    testTimeout: 90_000,
    hookTimeout: 240_000,
    pool: "forks",
    maxWorkers: 2,
  },
  resolve: {
    alias: { "@segmento/sdk/schema": new URL("./sdk/src/generated/schema.ts", import.meta.url).pathname },
  },
});

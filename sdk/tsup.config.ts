import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // Type-checks src without Node types: the SDK must not need them.
  tsconfig: "tsconfig.build.json",
  // The contract's types get a declaration file of their own, which scripts/build.mjs then shares between the
  // ESM and CJS entries instead of shipping it twice.
  dts: { entry: { index: "src/index.ts", schema: "src/generated/schema.ts" } },
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "neutral",
});

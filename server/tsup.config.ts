import { defineConfig } from "tsup";

/**
 * The production build: every source file transpiled on its own to plain ESM JavaScript with a source map
 * (no bundling, so `dist/` mirrors `src/` and the Engine's and the database's threads load their files by the
 * same relative paths). Types are checked by `npm run typecheck`, not here.
 */
export default defineConfig({
  entry: ["src/**/*.ts"],
  outDir: "dist",
  format: ["esm"],
  target: "node20",
  platform: "node",
  bundle: false,
  sourcemap: true,
  clean: true,
  dts: false,
  splitting: false,
  silent: true,
});

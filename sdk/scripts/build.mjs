/**
 * The SDK's build: tsup (tsup.config.ts), then one declaration file for the contract's types shared by the ESM and
 * CJS entries. tsup writes the declarations once per format; the contract's `paths`, `operations` and `components`
 * (nine tenths of them) are plain interfaces and types, the same for `import` and `require`, so shipping them twice
 * only doubled the package's declarations. Each entry keeps its own index.d.mts / index.d.ts (they differ in their
 * default export), and both import dist/schema.d.ts.
 *
 *   node scripts/build.mjs [outDir]      (default: dist)
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(sdkDir, "dist"));

process.chdir(sdkDir); // tsup reads tsup.config.ts from the working directory
await build({ outDir });

const file = (name) => path.join(outDir, name);
const shared = readFileSync(file("schema.d.ts"), "utf8");
if (readFileSync(file("schema.d.mts"), "utf8") !== shared) {
  throw new Error(
    "schema.d.mts and schema.d.ts differ: the contract's declarations are no longer format-neutral",
  );
}
const esmEntry = readFileSync(file("index.d.mts"), "utf8");
const fromShared = esmEntry.replaceAll("from './schema.mjs';", "from './schema.js';");
if (fromShared === esmEntry)
  throw new Error("index.d.mts does not import './schema.mjs': tsup's output changed");
writeFileSync(file("index.d.mts"), fromShared);
rmSync(file("schema.d.mts"));

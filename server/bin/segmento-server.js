#!/usr/bin/env node
// The built server (`npm run build`) is plain JavaScript that node runs alone. A development checkout that has
// not been built runs the TypeScript sources through tsx, a development dependency.
import { existsSync } from "node:fs";

process.setSourceMapsEnabled(true);
const built = new URL("../dist/cli.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}

#!/usr/bin/env node
// The server is TypeScript run through tsx, so what you run is exactly what the tests run.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");

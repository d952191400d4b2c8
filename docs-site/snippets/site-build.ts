import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./local-server.js";

export const SITE_DIR = path.join(REPO_ROOT, "docs-site/.vitepress/dist");

/**
 * The built site, which the server serves at /docs (the guides download their sample files from it). CI builds
 * it before the tests (`npm run docs:build`); on a fresh clone the first suite that needs it builds it, once,
 * while any other waits.
 */
export async function ensureSiteBuilt(): Promise<void> {
  const lock = path.join(REPO_ROOT, "docs-site/.vitepress/.build-lock");
  for (;;) {
    if (existsSync(path.join(SITE_DIR, "index.html"))) return;
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (!existsSync(path.join(SITE_DIR, "index.html")))
        execFileSync("npm", ["run", "docs:build"], { cwd: REPO_ROOT, stdio: "pipe", timeout: 900_000 });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";

/**
 * The built package in a real browser: a page on one origin imports dist/index.mjs (openapi-fetch through an
 * import map, as a bundler would resolve it) and calls the reference server on another origin through CORS,
 * with a session cookie. Needs Debian's chromium (scripts/browser.sh installs it; CI runs that script).
 */
const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// CI always runs this suite (it installs Chromium first). A developer machine without Chromium skips it, saying so.
const runHere = existsSync(CHROMIUM) || process.env.CI === "true";
if (!runHere) console.warn(`browser suite skipped: no Chromium at ${CHROMIUM} (run scripts/browser.sh)`);

let api: TestServer;
let page: Server;
let pageOrigin: string;
let browser: Browser;
let outDir: string;

beforeAll(async () => {
  if (!runHere) return;
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/browser.sh (or set CHROMIUM_PATH)`);
  outDir = mkdtempSync(join(tmpdir(), "segmento-browser-"));
  await promisify(execFile)("npx", ["tsup", "--out-dir", outDir], { cwd: sdkDir });
  const files: Record<string, string> = {
    "/sdk.mjs": join(outDir, "index.mjs"),
    "/openapi-fetch.mjs": join(repoDir, "node_modules/openapi-fetch/dist/index.mjs"),
  };
  page = createServer((req, res) => {
    const file = files[req.url ?? ""];
    if (file) {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(
      `<!doctype html><script type="importmap">{"imports":{"openapi-fetch":"/openapi-fetch.mjs"}}</script><p>Segmento</p>`,
    );
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  api = await startTestServer({ trustedOrigins: [pageOrigin], publicUrl: "http://127.0.0.1" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  page?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe.runIf(runHere)("@segmento/sdk in headless Chromium", () => {
  it("signs up, creates an organization and lists it through CORS with the session cookie", async () => {
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    // The page's own code, as a string: the test runner must not rewrite its dynamic import.
    const result = await tab.evaluate(`(async () => {
      const { Segmento } = await import("/sdk.mjs");
      const client = new Segmento({ baseUrl: ${JSON.stringify(api.url)}, credentials: "include" });
      await client.auth.signUp({ name: "Browser", email: "browser." + Date.now() + "@example.com", password: "correct-horse-battery" });
      const org = await client.organizations.create({ name: "Browser Shop" });
      const { organizations } = await client.organizations.list();
      const plans = await client.billing.plans();
      return { org: org.name, listed: organizations.map((o) => o.name), plans: plans.plans.length };
    })()`);
    expect(result).toEqual({ org: "Browser Shop", listed: ["Browser Shop"], plans: 4 });
    await tab.close();
  });

  it("refuses an sk_live_ key in a browser unless explicitly allowed", async () => {
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    const outcome = (await tab.evaluate(`(async () => {
      const { Segmento } = await import("/sdk.mjs");
      const baseUrl = ${JSON.stringify(api.url)};
      const key = "sk_live_" + "a".repeat(64);
      let refused = "";
      try {
        new Segmento({ baseUrl, apiKey: key });
      } catch (error) {
        refused = String(error.message);
      }
      const allowed = new Segmento({ baseUrl, apiKey: key, dangerouslyAllowBrowser: true });
      const health = await allowed.health.check();
      return { refused, health: health.status };
    })()`)) as { refused: string; health: string };
    expect(outcome.refused).toMatch(/dangerouslyAllowBrowser/);
    expect(outcome.health).toBe("ok");
    await tab.close();
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec, operationsOf } from "./generate/api-reference.js";
import { guideFiles } from "./sidebar.js";
import { readSnippets } from "./snippets/blocks.js";
import { type LocalServer, NO_REUSE, startLocalServer } from "./snippets/local-server.js";
import { ensureSiteBuilt, SITE_DIR } from "./snippets/site-build.js";

/**
 * The built site, served by `npm start` at /docs, in headless Chromium: every page loads without console errors
 * or failed requests, every internal link and anchor resolves, search finds "churn", and a Run button on the
 * quickstart gets a 2xx from the server. With SCREENSHOTS=1, a screenshot of every page goes to
 * docs-site/.screenshots (not committed): look at them after a change to the site's layout. Off by default: full-page
 * screenshots of 140 pages were most of this suite's minutes in CI, and nothing asserts on them.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PAGE_TIMEOUT_MS = 180_000;
const SCREENSHOTS = fileURLToPath(new URL("./.screenshots/", import.meta.url));
const TAKE_SCREENSHOTS = process.env.SCREENSHOTS === "1";
// CI always runs this suite (it installs Chromium first). A developer machine without Chromium skips it, saying so.
const runHere = existsSync(CHROMIUM) || process.env.CI === "true";
if (!runHere) console.warn(`docs site suite skipped: no Chromium at ${CHROMIUM} (run scripts/browser.sh)`);

/** Every page of the built site, as the path the server serves it at. */
function sitePages(): string[] {
  const pages: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".html") && entry.name !== "404.html") {
        const relative = path.relative(SITE_DIR, file).replace(/\\/g, "/");
        pages.push(`/docs/${relative.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`);
      }
    }
  };
  visit(SITE_DIR);
  return pages.sort();
}

let server: LocalServer;
let browser: Browser;
beforeAll(async () => {
  if (!runHere) return;
  await ensureSiteBuilt();
  server = await startLocalServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  if (TAKE_SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
}, 900_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A GET of the local server from the test itself; a connection that fails says which request and why. */
async function get(path: string): Promise<Response> {
  try {
    return await fetch(`${server.url}${path}`, { headers: NO_REUSE });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`GET ${path}: ${cause?.code ?? cause?.message ?? String(error)}`, { cause: error });
  }
}

/** Opens a page (in a context of its own, or the given one), recording console errors and failed or refused requests. */
async function open(path: string, context?: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const viewport = { width: 1280, height: 900 };
  const page = context ? await context.newPage() : await browser.newPage({ viewport });
  // Playwright's 30 s default for navigations, waits and screenshots is short on a loaded 2-core machine, where
  // a full-page screenshot of a long guide alone can take that long.
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // The SDK closes a job's or a run's event stream itself once it has ended: a cancellation, not a failure.
    const closedStream =
      /\/api\/engine\/(jobs\/[^/]+\/progress|runs\/[^/]+)\/stream$/.test(request.url()) &&
      request.failure()?.errorText === "net::ERR_ABORTED";
    if (!closedStream) problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  const response = await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
  if (!response?.ok()) problems.push(`${response?.status()} for the page itself`);
  return { page, problems };
}

describe.runIf(runHere)("the docs site in Chromium", () => {
  it("has a section, anchored by operationId, for every operation of the contract", () => {
    const html = readdirSync(path.join(SITE_DIR, "reference/api"))
      .map((f) => readFileSync(path.join(SITE_DIR, "reference/api", f), "utf8"))
      .join("\n");
    const missing = operationsOf(loadSpec()).filter(
      (op) => !html.includes(`id="${op.operationId.toLowerCase()}"`),
    );
    expect(missing.map((op) => op.operationId)).toEqual([]);
  });

  it("serves the site with a Content-Security-Policy that allows only its own scripts, by origin and hash", async () => {
    const response = await get("/docs/guide/quickstart");
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain("unsafe-eval");
  });

  it("opens every page without console errors or failed requests, and every internal link and anchor resolves", async () => {
    const pages = sitePages();
    expect(pages.length).toBeGreaterThan(20);
    const links = new Map<string, string>();
    const problems: string[] = [];
    const visit = async (path: string) => {
      const { page, problems: found } = await open(path);
      problems.push(...found.map((p) => `${path}: ${p}`));
      // Whole guides; the first screen of the generated references (their full pages are tens of screens).
      if (TAKE_SCREENSHOTS)
        await page.screenshot({
          path: `${SCREENSHOTS}${path.replace(/^\/docs\/?/, "").replace(/\//g, "_") || "index"}.png`,
          fullPage: !path.startsWith("/docs/reference/"),
        });
      for (const href of await page.$$eval("a[href]", (as) => as.map((a) => (a as HTMLAnchorElement).href)))
        if (href.startsWith(`${server.url}/docs/`)) links.set(href, path);
      await page.close();
    };
    // A few tabs at once: the pages are independent, and each mostly waits for its network to go quiet.
    const queue = [...pages];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await visit(next);
      }),
    );
    const ids = new Map<string, Set<string>>();
    for (const [href, from] of links) {
      const url = new URL(href);
      let targetIds = ids.get(url.pathname);
      if (!targetIds) {
        const response = await get(url.pathname);
        if (!response.ok) {
          problems.push(`${from}: link to ${url.pathname} answers ${response.status}`);
          continue;
        }
        const html = await response.text();
        targetIds = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
        ids.set(url.pathname, targetIds);
      }
      const anchor = decodeURIComponent(url.hash.slice(1));
      if (anchor && !targetIds.has(anchor))
        problems.push(`${from}: link to ${url.pathname}#${anchor}: no such anchor`);
    }
    expect(problems).toEqual([]);
  }, 1_800_000);

  it("search finds churn", async () => {
    const { page, problems } = await open("/docs/");
    await page.locator(".VPNavBarSearch button").first().click();
    await page.locator("#localsearch-input").fill("churn");
    const results = page.locator(".VPLocalSearchBox .result");
    await results.first().waitFor();
    expect(await results.count()).toBeGreaterThan(0);
    expect((await results.allTextContents()).join(" ").toLowerCase()).toContain("churn");
    expect(problems).toEqual([]);
    await page.close();
  }, 600_000);

  it("every Run button of every guide, in reading order, runs its snippet in the browser with the reader's session", async () => {
    const failed: string[] = [];
    const problems: string[] = [];
    let ran = 0;
    // One reader: one browser profile (the session cookie and the Run buttons' variables), page after page.
    const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    for (const guide of guideFiles()) {
      const { page, problems: found } = await open(`/docs/${guide.replace(/\.md$/, "")}`, reader);
      const buttons = page.locator("button.snippet-run");
      for (let i = 0; i < (await buttons.count()); i++) {
        const button = buttons.nth(i);
        // SDK tabs are hidden until chosen; the button works the same.
        await button.evaluate((b) => (b as HTMLButtonElement).click());
        const result = button.locator("xpath=following-sibling::div[1]");
        await page.waitForFunction(
          (el) => el?.classList.contains("ok") || el?.classList.contains("failed"),
          await result.elementHandle(),
          { timeout: PAGE_TIMEOUT_MS },
        );
        ran++;
        if (await result.evaluate((el) => el.classList.contains("failed")))
          failed.push(`${await button.getAttribute("data-snippet")}: ${await result.textContent()}`);
      }
      // Some snippets show the API's error answers on purpose (a 400 naming the broken rule, a 501); Chromium
      // logs each as a failed resource. The page's own requests are still checked.
      const apiAnswer = new RegExp(
        `^(\\d{3} for ${server.url}/api/|console error: Failed to load resource: the server responded with a status of)`,
      );
      problems.push(...found.filter((p) => !apiAnswer.test(p)).map((p) => `${guide}: ${p}`));
      await page.close();
    }
    await reader.close();
    expect(failed).toEqual([]);
    // Every runnable block of every guide has its button, and each ran.
    const runnable = guideFiles().flatMap((guide) =>
      readSnippets(readFileSync(fileURLToPath(new URL(`./docs/${guide}`, import.meta.url)), "utf8"), guide),
    );
    expect(ran).toBe(runnable.length);
    expect(problems).toEqual([]);
  }, 900_000);

  it("a Run button on the quickstart calls the local server and shows its 2xx answer", async () => {
    const { page, problems } = await open("/docs/guide/quickstart");
    const run = page.locator("button.snippet-run").first();
    const answered = page.waitForResponse((r) => r.url() === `${server.url}/api/health`);
    await run.click();
    const response = await answered;
    expect(response.status()).toBeGreaterThanOrEqual(200);
    expect(response.status()).toBeLessThan(300);
    const result = page.locator(".snippet-result.ok").first();
    await result.waitFor();
    expect(await result.textContent()).toContain('"status": "ok"');
    if (TAKE_SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}quickstart-after-run.png` });
    expect(problems).toEqual([]);
    await page.close();
  }, 600_000);
});

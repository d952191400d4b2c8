import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StripeConfig } from "../../../server/src/config.js";
import { syntheticShop } from "../../../server/src/synthetic/shop.js";
import { StripeServer } from "../../../server/test/helpers/stripe-server.js";
import {
  createTenant,
  setPlan,
  startTestServer,
  TEST_ORIGIN,
  type TestServer,
} from "../../../server/test/helpers/test-server.js";
import { freePort } from "../../demo/free-port.js";

/**
 * The dashboard's main path in headless Chromium against a real server serving the production build: sign up,
 * organization and project, a CSV upload with a changed column mapping and its live pipeline progress, the
 * segments and their charts, a filter and a customer, a rule segment, an API key shown once, the contact form;
 * then every other page. Each page is checked with axe-core (no serious or critical violations) and, with
 * SCREENSHOTS=1, screenshotted into test-results/ (off by default: full-page shots cost CI minutes and nothing
 * asserts on them). The first page's render time is printed. Billing runs against a local Stripe that checks
 * the wire format (server/test/helpers/stripe-server.ts): the test plays the customer paying on Checkout's page.
 * Needs Debian's chromium (scripts/browser.sh).
 */
const dashboardDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = fileURLToPath(new URL("../../..", import.meta.url));
const distDir = path.join(dashboardDir, "dist");
const shotsDir = path.join(dashboardDir, "test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// CI always runs this suite (it installs Chromium first). A developer machine without Chromium skips it, saying so.
const runHere = existsSync(CHROMIUM) || process.env.CI === "true";
if (!runHere)
  console.warn(`dashboard browser suite skipped: no Chromium at ${CHROMIUM} (run scripts/browser.sh)`);

let server: TestServer;
let stripe: StripeServer;
/** Enterprise has no Stripe price on this server: upgrading to it is refused with 503 billing_not_configured. */
const PRICES: StripeConfig["prices"] = {
  starter: { month: "price_starter_month", year: "price_starter_year" },
  pro: { month: "price_pro_month", year: "price_pro_year" },
  enterprise: { month: undefined, year: undefined },
};
/** A customer's webhook endpoint: answers 200 and keeps what it was sent. */
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
let browser: Browser;
let page: Page;
let origin: string;
const problems: string[] = [];
let shot = 0;

/** The shop's orders as a CSV whose customer column no synonym matches ("Client Ref"): the user maps it. */
function ordersCsv(): string {
  const orders = syntheticShop({ customers: 300, seed: 7 }).filter((r) => r.type !== "campaign_exposure");
  const quote = (v: unknown) => (v === undefined ? "" : /[",\n]/.test(String(v)) ? `"${v}"` : String(v));
  const lines = orders.map((r) =>
    [r.customer_id, r.order_date, r.amount, r.order_id, r.status, r.country].map(quote).join(","),
  );
  return ["Client Ref,Invoice Date,Total,Invoice No,Status,Country", ...lines].join("\n");
}

async function screenshot(name: string, tab: Page = page) {
  shot += 1;
  if (process.env.SCREENSHOTS !== "1") return;
  // A full-page shot of a scrolled page would draw the sticky header where the scroll left it.
  await tab.evaluate("window.scrollTo(0, 0)");
  await tab.screenshot({
    path: path.join(shotsDir, `${String(shot).padStart(2, "0")}-${name}.png`),
    fullPage: true,
  });
}

/** axe-core on the page as it is now: no serious or critical violations. */
async function checkAccessibility(name: string, tab: Page = page) {
  const source = readFileSync(path.join(repoDir, "node_modules/axe-core/axe.min.js"), "utf8");
  // page.evaluate runs outside the page's CSP (which forbids inline scripts), so axe can be loaded this way.
  await tab.evaluate(source);
  const violations = (await tab.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })))`)) as {
    id: string;
    impact: string;
    help: string;
    nodes: string[];
  }[];
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `axe on ${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

async function visit(label: RegExp | string, heading: RegExp | string) {
  await page.locator("nav.sidebar").getByRole("link", { name: label, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

beforeAll(async () => {
  if (!runHere) return;
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/browser.sh (or set CHROMIUM_PATH)`);
  // The build under test is the current source's: Vite takes a few seconds (CI has built it already, and checked
  // its size); a fresh checkout builds the SDK first.
  const sdkBuilt = existsSync(path.join(repoDir, "sdk/dist/index.mjs"));
  if (sdkBuilt)
    await promisify(execFile)("npx", ["vite", "build", "--logLevel", "warn"], { cwd: dashboardDir });
  else await promisify(execFile)("npm", ["run", "build", "-w", "examples/dashboard"], { cwd: repoDir });
  rmSync(shotsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });
  receiver = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += String(chunk);
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverHost = `127.0.0.1:${(receiver.address() as { port: number }).port}`;
  receiverUrl = `http://${receiverHost}/hooks/segmento`;
  stripe = await new StripeServer([
    { id: "price_starter_month", interval: "month", unitAmount: 2900, trialDays: 14 },
    { id: "price_starter_year", interval: "year", unitAmount: 28800, trialDays: 14 },
    { id: "price_pro_month", interval: "month", unitAmount: 9900, trialDays: 14 },
    { id: "price_pro_year", interval: "year", unitAmount: 94800, trialDays: 14 },
  ]).start();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = await startTestServer({
    port,
    publicUrl: origin,
    trustedOrigins: [origin],
    dashboardDir: distDir,
    segmentationDebounceMs: 200,
    webhookAllowHosts: [receiverHost],
    stripe: stripe.config(PRICES),
  });
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
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: "en-US" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stripe?.close();
  receiver?.close();
});

describe.runIf(runHere)("the dashboard in headless Chromium", { timeout: 60_000 }, () => {
  it("serves the build at / with its CSP, and any dashboard path falls back to the app", async () => {
    const home = await fetch(`${origin}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(home.headers.get("cache-control")).toBe("no-cache");
    const deep = await fetch(`${origin}/customers`, { headers: { accept: "text/html" } });
    expect(await deep.text()).toContain('<div id="app">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await home.text())?.[1];
    expect((await fetch(`${origin}${asset}`)).headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${origin}/api/health`)).headers.get("content-type")).toContain("json");
  });

  it("renders the sign-in page (render time printed)", async () => {
    // The moment the app puts its first heading on screen, seen from inside the page (a MutationObserver that
    // Playwright installs before any of the page's scripts), so the figure does not include the test's polling.
    await page.addInitScript(`new MutationObserver((_, observer) => {
      if (!document.querySelector("main h1")) return;
      window.__firstRender = performance.now();
      observer.disconnect();
    }).observe(document, { subtree: true, childList: true })`);
    await page.goto(`${origin}/`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const timing = (await page.evaluate(`(() => {
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      const navigation = performance.getEntriesByType("navigation")[0];
      return {
        firstRender: window.__firstRender,
        firstContentfulPaint: paint ? paint.startTime : null,
        domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : null,
      };
    })()`)) as { firstRender: number; firstContentfulPaint: number | null; domContentLoaded: number | null };
    const ms = (value: number | null) => (value === null ? "n/a" : `${value.toFixed(0)} ms`);
    console.log(
      `dashboard first render: the sign-in page's heading on screen ${ms(timing.firstRender)} after navigation ` +
        `start (first contentful paint ${ms(timing.firstContentfulPaint)}, DOMContentLoaded ` +
        `${ms(timing.domContentLoaded)}); target under 1000 ms on an idle machine`,
    );
    writeFileSync(path.join(shotsDir, "timing.json"), `${JSON.stringify(timing, null, 2)}\n`);
    // Only a bound no loaded machine reaches: the figure itself is reported, not asserted.
    expect(timing.firstRender).toBeGreaterThan(0);
    expect(timing.firstRender).toBeLessThan(15_000);
    await screenshot("sign-in");
    await checkAccessibility("sign-in");
  });

  it("signs up, then creates an organization and a project", async () => {
    await page.getByRole("link", { name: "Sign up" }).click();
    await page.getByLabel("Name").fill("Dana Dashboard");
    await page.getByLabel("Email").fill(`dana.${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct-horse-battery");
    await screenshot("sign-up");
    await checkAccessibility("sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Create your organization" }).waitFor();
    await screenshot("new-organization");
    await checkAccessibility("new-organization");
    await page.getByLabel("Organization name").fill("Dana's Deli");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("heading", { name: "Create your first project" }).waitFor();
    await page.getByLabel("Project name").fill("Online store");
    await screenshot("new-project");
    await checkAccessibility("new-project");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { level: 1, name: "Data" }).waitFor();
    expect(page.url()).toBe(`${origin}/data`);
  });

  it("uploads a CSV with a changed mapping and follows the pipeline to the end", async () => {
    const csv = path.join(tmpdir(), `orders-${Date.now()}.csv`);
    writeFileSync(csv, ordersCsv());
    await page.getByLabel("CSV or XLSX file").setInputFiles(csv);
    const customerColumn = page.getByLabel("Column for customer_id");
    await customerColumn.waitFor();
    // Detected: the date and amount columns by their names; the customer column is not one the server knows.
    await expect.poll(() => page.getByLabel("Column for order_date").inputValue()).toBe("Invoice Date");
    expect(await page.getByLabel("Column for amount").inputValue()).toBe("Total");
    expect(await customerColumn.inputValue()).toBe("");
    await page.getByText("The server will refuse this mapping").waitFor();
    await customerColumn.selectOption("Client Ref");
    await page.getByText("The server will refuse this mapping").waitFor({ state: "detached" });
    await page.getByText("Kept as extra features of each customer: Country.").waitFor();
    await screenshot("upload-mapping");
    await checkAccessibility("upload-mapping");

    // Every value the progress bar shows, as it changes.
    await page.evaluate(`(() => {
      window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('.run [role="progressbar"]');
        if (!bar) return;
        const seen = bar.getAttribute("aria-label") + "|" + bar.getAttribute("aria-valuenow");
        if (window.__progress.at(-1) !== seen) window.__progress.push(seen);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    // Without the changed mapping the server refuses the file (no customer id column): acceptance proves it was sent.
    await page.getByRole("button", { name: /^Upload orders-/ }).click();
    await page.locator('.run [role="progressbar"]').waitFor();
    await screenshot("upload-progress");
    await page.locator('.run[data-status="done"]').waitFor({ timeout: 240_000 });
    const seen = (await page.evaluate("window.__progress")) as string[];
    const stages = new Set(seen.map((s) => s.split(" (")[0]!.split("|")[0]));
    expect(stages.size, `progress seen: ${seen.join(", ")}`).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe("Done|100");
    await page.getByText("Your data is in").waitFor();
    const fileRow = page.getByRole("row", { name: /orders-.*Upload.*Completed/ });
    await fileRow.waitFor();
    expect(await fileRow.textContent()).toMatch(/Completed\s*[1-9][\d,]*/);
    await screenshot("data-done");
  }, 300_000);

  it("previews an XLSX file's columns before sending it", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Orders");
    sheet.addRow(["CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "Region"]);
    sheet.addRow(["K-1", new Date(Date.UTC(2026, 4, 1)), 2, 6.25, "Marmara"]);
    const xlsx = path.join(tmpdir(), `orders-${Date.now()}.xlsx`);
    writeFileSync(xlsx, Buffer.from(await workbook.xlsx.writeBuffer()));
    await page.getByLabel("CSV or XLSX file").setInputFiles(xlsx);
    await expect.poll(() => page.getByLabel("Column for customer_id").inputValue()).toBe("CustomerID");
    expect(await page.getByLabel("Column for quantity").inputValue()).toBe("Quantity");
    expect(await page.getByLabel("Column for unit_price").inputValue()).toBe("UnitPrice");
    expect(await page.getByLabel("Column for amount").inputValue()).toBe("");
    expect(await page.getByRole("row", { name: /customer_id/ }).textContent()).toContain("K-1");
    await page.getByText("Kept as extra features of each customer: Region.").waitFor();
    await page.getByLabel("CSV or XLSX file").setInputFiles([]);
  });

  it("shows the server's line-numbered errors for a file it refuses", async () => {
    const csv = path.join(tmpdir(), `bad-${Date.now()}.csv`);
    writeFileSync(csv, "customer_id,order_date,amount\nC-1,2026-01-05,12.50\nC-2,2026-01-06,twelve\n");
    await page.getByLabel("CSV or XLSX file").setInputFiles(csv);
    await page.getByRole("button", { name: /^Upload bad-/ }).click();
    const error = page.getByRole("alert");
    await error.getByText("validation_failed").waitFor();
    expect(await error.textContent()).toMatch(/line 3: amount/);
    await screenshot("upload-refused");
    await page.getByLabel("CSV or XLSX file").setInputFiles([]);
  });

  it("shows the segments with their charts", async () => {
    await visit("Segments", "Segments");
    await expect.poll(() => page.locator('.chart[data-ready="true"]').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByRole("row").count()).toBeGreaterThan(2);
    await screenshot("segments");
    await checkAccessibility("segments");
  });

  it("builds a filter with an any-group and opens a customer", async () => {
    await visit("Customers", "Customers");
    await page.getByRole("heading", { name: /customers$/ }).waitFor();
    const builder = page.locator(".filter-builder");
    await builder.getByRole("button", { name: "+ Condition" }).click();
    await builder.getByLabel("Value", { exact: true }).fill("50");
    await builder.getByRole("button", { name: "+ Group" }).click();
    const group = builder.locator("fieldset fieldset");
    await group.getByLabel("Match").selectOption("any");
    await group.getByLabel("Field").selectOption("churn_risk");
    await group.getByLabel("Operator").selectOption("in");
    await group.getByLabel("Values").fill("low, medium");
    await group.getByRole("button", { name: "+ Condition" }).click();
    await group.getByLabel("Field").nth(1).selectOption("extra_features");
    await group.getByLabel("Feature name, e.g. country").fill("country");
    await group.getByLabel("Operator").nth(1).selectOption("eq");
    await group.getByLabel("Value", { exact: true }).fill("TR");
    const listed = page.waitForRequest(
      (r) => r.url().includes("/customers?") && r.url().includes("filters="),
    );
    await page.getByRole("button", { name: "Apply filters" }).click();
    const filters = JSON.parse(new URL((await listed).url()).searchParams.get("filters")!);
    expect(filters).toEqual([
      { field: "rfm_monetary", op: "gte", value: 50 },
      {
        any: [
          { field: "churn_risk", op: "in", values: ["low", "medium"] },
          { field: "extra_features.country", op: "eq", value: "TR" },
        ],
      },
    ]);
    const sorted = page.waitForResponse((r) => r.url().includes("sort_by=churn_score"));
    await page.getByRole("button", { name: "Churn score" }).click();
    expect(new URL((await sorted).url()).searchParams.get("sort_dir")).toBe("desc");
    await page
      .getByRole("columnheader", { name: "Churn score" })
      .and(page.locator('[aria-sort="descending"]'))
      .waitFor();
    // The sorted page replaces the previous one: read its first row only once it is on screen.
    await page
      .getByRole("region", { name: /customers$/ })
      .locator(".loading")
      .waitFor({ state: "detached" });
    const firstCustomer = page.locator("table.customers tbody tr").first().getByRole("button");
    await firstCustomer.waitFor();
    const customerId = await firstCustomer.textContent();
    // The ids come from the "Client Ref" column the user mapped.
    expect(customerId).toMatch(/^C-\d{6}$/);
    await firstCustomer.click();
    const panel = page.getByRole("complementary", { name: /Customer/ });
    await panel.getByText(customerId!).first().waitFor();
    await panel.getByRole("heading", { name: "Similar customers" }).waitFor();
    await expect.poll(() => panel.locator(".similar li").count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await screenshot("customers");
    await checkAccessibility("customers");
  });

  it("creates a rule segment with a live preview", async () => {
    await visit("Segments", "Segments");
    await page.getByRole("button", { name: "New segment" }).click();
    const editor = page.getByRole("region", { name: "New segment" });
    await editor.getByLabel("Name", { exact: true }).fill("Big spenders");
    await editor.getByRole("button", { name: "+ Condition" }).click();
    const everyone = editor.getByText("300 customers match");
    await everyone.waitFor();
    await editor.getByLabel("Value", { exact: true }).fill("200");
    // Asked again after the change: the count for everyone goes, the new one comes.
    await everyone.waitFor({ state: "detached" });
    const count = Number(
      (await editor.getByTestId("preview-count").textContent())
        ?.match(/^([\d,]+) customers match$/)?.[1]
        ?.replace(/,/g, ""),
    );
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(300);
    await screenshot("segment-editor");
    await checkAccessibility("segment-editor");
    await editor.getByRole("button", { name: "Create segment" }).click();
    const row = page.getByRole("row", { name: /Big spenders/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("rule");
    // Edit: the saved rules come back into the builder; a description is added.
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("region", { name: "Edit Big spenders" });
    expect(await edit.getByLabel("Value", { exact: true }).inputValue()).toBe("200");
    await edit.getByLabel("Description").fill("Spent 200 or more");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("row", { name: /Big spenders.*Spent 200 or more/ }).waitFor();
  });

  it("adds a webhook integration, tests it, and runs an automation through it", async () => {
    await visit("Integrations", "Integrations");
    await page.getByText("No integrations yet").waitFor();
    await page.getByLabel("Name").fill("Our CRM");
    await page.getByLabel("Endpoint URL").fill(receiverUrl);
    await page.getByRole("button", { name: "Add integration" }).click();
    const secret = page.getByText(/^whsec_/);
    await secret.waitFor();
    await page.getByRole("button", { name: "I have saved it" }).click();
    await page.getByRole("button", { name: "Send a test" }).click();
    await page.getByText(/The provider accepted the test \(HTTP 200\)/).waitFor();
    expect(received.length).toBe(1);
    expect(received[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
    await screenshot("integrations");
    await checkAccessibility("integrations");

    await visit("Automations", "Automations");
    await page.getByLabel("Name", { exact: true }).fill("Win back");
    await page.getByLabel("Segment", { exact: true }).selectOption({ label: "Big spenders" });
    await page.getByRole("button", { name: "Create automation" }).click();
    const card = page.locator(".cards > li", { hasText: "Win back" });
    await card.waitFor();
    await card.getByRole("button", { name: "Run now" }).click();
    await card.getByRole("heading", { name: "Deliveries" }).waitFor({ timeout: 120_000 });
    await expect.poll(() => card.locator("tbody tr").count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await screenshot("automations");
    await checkAccessibility("automations");
  }, 180_000);

  it("creates an API key, shown once, and lists it by its prefix", async () => {
    await visit("API keys", "API keys");
    await page.getByText("No API keys yet").waitFor();
    await page.getByLabel("Name").fill("Backend");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-key").textContent()) ?? "";
    expect(key).toMatch(/^sk_live_[0-9a-f]{64}$/);
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(key);
    await screenshot("api-key-created");
    await checkAccessibility("api-keys");
    await page.getByRole("button", { name: "I have saved it" }).click();
    await page.getByTestId("new-key").waitFor({ state: "detached" });
    const row = page.getByRole("row", { name: /Backend/ });
    expect(await row.textContent()).toContain(`${key.slice(0, 14)}…`);
    await page.reload();
    await page.getByRole("row", { name: /Backend/ }).waitFor();
    expect(await page.content()).not.toContain(key);
  });

  it("sends the contact form", async () => {
    await visit("Contact us", "Contact us");
    await page.getByLabel("Message").fill("Could the dashboard export segments as CSV?");
    await page.getByRole("button", { name: "Send message" }).click();
    await page.getByText(/Thank you: your message (was sent|is queued)/).waitFor();
    await screenshot("contact");
    await checkAccessibility("contact");
  });

  it("shows every other page, each accessible", async () => {
    const pages: [string, string][] = [
      ["Overview", "Online store"],
      ["Models", "Models"],
      ["Team", "Team"],
      ["Billing", "Billing"],
    ];
    for (const [label, heading] of pages) {
      await visit(label, heading);
      await page.locator(".loading").first().waitFor({ state: "detached" });
      if (label === "Overview" || label === "Models")
        await expect.poll(() => page.locator('.chart[data-ready="false"]').count()).toBe(0);
      await screenshot(label.toLowerCase());
      await checkAccessibility(label);
    }
    // Billing: the plans, the usage meters and the (empty) invoices come from the API.
    await page.getByRole("heading", { name: "Plans" }).waitFor();
    expect(await page.locator(".plan").count()).toBe(4);
  });

  it("shows a campaign's uplift with its interval, in a second project fed through the API", async () => {
    // A shop big enough for the uplift model (the first one's 300 customers hold too few controls), with a
    // randomized campaign; its records arrive through the ingest API, as a shop's backend sends them.
    await page.getByLabel("Project").selectOption("__new");
    await page.getByLabel("Project name").fill("Campaign store");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { level: 1, name: "Data" }).waitFor();
    const projectId = (await page.evaluate("localStorage.getItem('segmento.project')")) as string;
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const key = await server.request(`/api/projects/${projectId}/api-keys`, {
      body: { name: "backend" },
      cookie,
      headers: { origin },
    });
    expect(key.status, key.text).toBe(201);
    const bearer = { authorization: `Bearer ${key.body.key}` };
    const accepted = await server.request("/api/v1/ingest", {
      body: { project_id: projectId, records: syntheticShop({ customers: 1200, seed: 7 }) },
      headers: bearer,
    });
    expect(accepted.status, accepted.text).toBe(202);
    await expect
      .poll(
        async () =>
          (await server.request(`/api/engine/runs/${accepted.body.run_id}`, { headers: bearer })).body.status,
        { timeout: 240_000, interval: 500 },
      )
      .toBe("completed");

    await visit("Models", "Models");
    const uplift = page.getByRole("region", { name: "Campaign uplift" });
    await uplift
      .getByText(/^Average effect: [+-][\d.]+ pp \(95 % interval [+-]?[\d.]+ pp to [+-]?[\d.]+ pp\)/)
      .waitFor();
    await uplift.getByRole("heading", { name: /^Held-out split \([\d,]+ exposures\)$/ }).waitFor();
    await uplift.getByRole("heading", { name: "Cross-validated Qini" }).waitFor();
    const { holdout, candidates } = (
      await server.request(`/api/engine/projects/${projectId}/overview`, { headers: bearer })
    ).body.models.uplift;
    // The header and a row per candidate learner the overview lists.
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    expect(await uplift.getByRole("row").count()).toBe(1 + candidates.length);
    expect(await uplift.textContent()).toMatch(/Why this model:/);
    // The held-out Qini curve against random targeting, named for assistive technology, captioned with the
    // overview's Qini coefficient.
    await uplift.getByRole("heading", { name: "Qini curve on the held-out split" }).waitFor();
    const qini = uplift.locator("figure.qini");
    expect(await qini.locator("figcaption").textContent()).toContain(
      `Qini coefficient ${(holdout.qini as number).toLocaleString("en-US", { maximumFractionDigits: 4 })}:`,
    );
    const end = holdout.qini_curve.random[1].incremental as number;
    await qini
      .getByRole("img", {
        name: new RegExp(
          `^Qini curve: incremental purchases by share targeted, .*; everyone: ${end.toLocaleString("en-US", { maximumFractionDigits: 1 })}\\.$`,
        ),
      })
      .waitFor();
    await expect.poll(() => page.locator('.chart[data-ready="false"]').count()).toBe(0);
    expect(await qini.locator('.chart[data-ready="true"]').count()).toBe(1);
    await screenshot("models-uplift");
    await checkAccessibility("models-uplift");
    await page.getByLabel("Project").selectOption({ label: "Online store" });
    const notEstimable = page.getByRole("region", { name: "Campaign uplift" });
    await notEstimable.getByText(/^Not estimable: /).waitFor();
    // No curve either, and why: the server's reason.
    await notEstimable.getByText("No Qini curve", { exact: true }).waitFor();
  }, 300_000);

  it("invites a colleague, who signs up through the link and accepts", async () => {
    await visit("Team", "Team");
    const email = `sam.${Date.now()}@example.com`;
    await page.getByRole("region", { name: "Invite someone" }).getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    // The free plan has one seat: the server says so, and the page shows its message and code.
    await page.getByRole("alert").getByText("quota_exceeded").waitFor();
    // (Billing is not part of this test: the plan is set directly, as after a Stripe checkout.)
    await setPlan(
      server,
      (await page.evaluate("localStorage.getItem('segmento.organization')")) as string,
      "starter",
    );
    await page.getByRole("button", { name: "Send invitation" }).click();
    const invitation = page.getByRole("row", { name: new RegExp(email.replace(/\./g, "\\.")) });
    await invitation.getByRole("button", { name: "Copy link" }).click();
    await invitation.getByText("Copied to the clipboard.").waitFor();
    const link = (await page.evaluate("navigator.clipboard.readText()")) as string;
    expect(link).toMatch(new RegExp(`^${origin}/invitations/\\S+$`));

    const colleague = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const tab = await colleague.newPage();
    await tab.goto(`${origin}/sign-up?next=${encodeURIComponent(new URL(link).pathname)}`);
    await tab.getByLabel("Name").fill("Sam Colleague");
    await tab.getByLabel("Email").fill(email);
    await tab.getByLabel("Password").fill("another-long-password");
    await tab.getByRole("button", { name: "Create account" }).click();
    await tab.getByRole("heading", { name: "Invitation" }).waitFor();
    await screenshot("invitation", tab);
    await checkAccessibility("invitation", tab);
    await tab.getByRole("button", { name: "Accept the invitation" }).click();
    await tab.getByText("You are in.").waitFor();
    expect(await tab.getByLabel("Organization").locator("option:checked").textContent()).toBe("Dana's Deli");
    // A member sees the plans, and is told billing is for owners and admins (no 403s on screen).
    await tab.locator("nav.sidebar").getByRole("link", { name: "Billing", exact: true }).click();
    await tab.getByText("Only the organization's owners and admins see and manage its billing.").waitFor();
    await expect.poll(() => tab.locator(".plan").count()).toBe(4);
    expect(await tab.getByRole("alert").count()).toBe(0);
    expect(await tab.getByRole("region", { name: "Invoices" }).count()).toBe(0);
    await colleague.close();

    await page.reload();
    await page.getByRole("row", { name: /Sam Colleague/ }).waitFor();
    await page
      .getByRole("row", { name: new RegExp(`${email.replace(/\./g, "\\.")} member accepted`) })
      .waitFor();
  });

  it("speaks Turkish, sends Accept-Language, and shows the server's message and code for an error", async () => {
    await page.getByLabel("Language").selectOption("tr");
    await visit("Müşteriler", "Müşteriler");
    expect(await page.evaluate("document.documentElement.lang")).toBe("tr");
    const builder = page.locator(".filter-builder");
    await builder.getByRole("button", { name: "+ Koşul" }).click();
    await builder.getByLabel("Alan").selectOption("extra_features");
    await builder.getByLabel("Özellik adı, ör. country").fill("not a key!");
    await builder.getByLabel("Değer", { exact: true }).fill("x");
    const listed = page.waitForRequest((r) => r.url().includes("filters="));
    await page.getByRole("button", { name: "Filtreleri uygula" }).click();
    expect((await listed).headers()["accept-language"]).toBe("tr");
    const error = page.getByRole("alert");
    await error.getByText("validation_failed").waitFor();
    expect(await error.textContent()).toContain("HTTP 400");
    await screenshot("turkish-error");
    await checkAccessibility("turkish-error");
    // The models' and billing's own words are Turkish too (the server's free-text reasons stay as it sends them).
    await visit("Modeller", "Modeller");
    await page
      .getByRole("region", { name: "Kayıp" })
      .getByRole("heading", { name: "Geriye dönük test AUC" })
      .waitFor();
    await expect.poll(() => page.locator('.chart[data-ready="false"]').count()).toBe(0);
    await screenshot("turkish-models");
    await checkAccessibility("turkish-models");
    await visit("Faturalandırma", "Faturalandırma");
    await page.getByRole("heading", { name: "Ödeme yöntemleri" }).waitFor();
    await page.locator(".loading").first().waitFor({ state: "detached" });
    await screenshot("turkish-billing");
    await checkAccessibility("turkish-billing");
    await page.getByLabel("Dil").selectOption("en");
  });

  it("upgrades through Stripe Checkout, lists the card and invoice, cancels, opens the portal, falls back to free", async () => {
    // Stripe's pages are not ours: the browser stops at them, and the test plays the customer on Stripe's side.
    await page.route(/^https:\/\/(checkout|billing)\.stripe\.com\//, (route) =>
      route.fulfill({ contentType: "text/html", body: "<title>Stripe</title><h1>Stripe (local)</h1>" }),
    );
    await visit("Billing", "Billing");
    const usage = page.getByRole("region", { name: "Usage this period" });
    await usage.getByText(/^Counted from .+ to .+: model runs/).waitFor();
    await usage.getByRole("meter", { name: "Model runs" }).waitFor();
    await page.getByText("No saved card yet").waitFor();
    await page.getByText("No invoices yet.").waitFor();

    // Billing details go to the Stripe customer.
    const details = page.getByRole("region", { name: "Billing details" });
    await details.getByLabel("Company or name").fill("Dana's Deli Ltd.");
    await details.getByLabel("Billing email").fill("billing@dana.example");
    await details.getByLabel("Tax ID").fill("TR1234567890");
    await details.getByLabel("Country").fill("tr");
    await details.getByRole("button", { name: "Save billing details" }).click();
    await details.getByText("Billing details saved.").waitFor();
    const [customerUpdate] = stripe.callsTo("POST", /^\/v1\/customers\/[^/]+$/).slice(-1);
    expect(customerUpdate?.params).toMatchObject({
      name: "Dana's Deli Ltd.",
      email: "billing@dana.example",
      address: { country: "TR" },
      metadata: { tax_id: "TR1234567890" },
    });

    // Enterprise has no price on this server: the server's 503 shows, and the page goes on working.
    await page.getByRole("button", { name: "Upgrade to Enterprise" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "billing_not_configured" });
    await refused.waitFor();
    expect(await refused.textContent()).toContain("STRIPE_PRICE_ENTERPRISE_MONTHLY");
    expect(await refused.textContent()).toContain("HTTP 503");

    await page.getByRole("button", { name: "Upgrade to Pro" }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_/);
    const sessionId = new URL(page.url()).pathname.split("/").at(-1)!;
    for (const event of stripe.completeCheckout(sessionId)) {
      const delivered = await stripe.deliver(`${origin}/api/stripe/webhook`, event);
      expect(delivered.status).toBe(200);
    }
    // Stripe sends the customer back to the success URL our server gave it.
    await page.goto(`${origin}/?checkout=success`);
    await page.waitForURL(`${origin}/billing?checkout=success`);
    await page.getByText("Thank you: Stripe has your checkout.").waitFor();
    const subscription = page.getByRole("region", { name: "Subscription" });
    await subscription.getByText("The subscription is in its free trial").waitFor();
    expect(await subscription.locator(".stats").textContent()).toMatch(
      /PlanPro.*Statustrial.*Billingmonthly/,
    );
    await page.getByText("Your organization is on the Pro plan.").waitFor();
    await page.getByText("VISA ending in 4242, expires 08/2030").waitFor();
    const invoice = page.getByRole("region", { name: "Invoices" }).locator("tbody tr").first();
    await invoice.waitFor();
    expect(await invoice.textContent()).toContain("paid");
    expect(await invoice.getByRole("link", { name: "PDF" }).getAttribute("href")).toMatch(
      /^https:\/\/pay\.stripe\.com\/invoice\/.+\/pdf$/,
    );
    expect(await invoice.getByRole("link", { name: "View" }).getAttribute("href")).toMatch(/^https:\/\//);
    // A running paid plan changes in the portal, not through another Checkout.
    expect(await page.getByRole("button", { name: /^Upgrade to/ }).count()).toBe(0);
    await screenshot("billing-subscribed");
    await checkAccessibility("billing-subscribed");

    await subscription.getByRole("button", { name: "Cancel at period end" }).click();
    await subscription.getByRole("button", { name: "Yes" }).click();
    await subscription.getByText(/^The subscription ends on .+ and will not renew\.$/).waitFor();
    expect(stripe.callsTo("POST", /^\/v1\/subscriptions\/[^/]+$/).at(-1)?.params).toMatchObject({
      cancel_at_period_end: "true",
    });

    await subscription.getByRole("button", { name: "Open the billing portal" }).click();
    await page.waitForURL(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect(stripe.callsTo("POST", /^\/v1\/billing_portal\/sessions$/).at(-1)?.params).toMatchObject({
      return_url: `${origin}/`,
    });
    await page.goto(`${origin}/billing`);
    await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();

    // The period ends: Stripe ends the subscription, the page reads it back, and the free plan can be activated.
    const subscriptionId = String(stripe.sessions.get(sessionId)?.subscription);
    for (const event of stripe.endSubscription(subscriptionId))
      expect((await stripe.deliver(`${origin}/api/stripe/webhook`, event)).status).toBe(200);
    const card = page.getByRole("region", { name: "Subscription" });
    await card.getByRole("button", { name: "Refresh from Stripe" }).click();
    await card.getByText("The subscription is cancelled.").waitFor();
    await page.getByText("Your organization is on the Free plan.").waitFor();
    await card.getByRole("button", { name: "Activate the free plan" }).click();
    await card.getByText("The subscription is active.").waitFor();
    expect(await card.locator(".stats").textContent()).toMatch(/PlanFree.*Statusactive/);
    expect(stripe.violations).toEqual([]);
  }, 120_000);

  it("says plainly when the server has no Stripe keys, and still shows usage and plans", async () => {
    // A second server, as an operator runs it without STRIPE_* variables.
    const port = await freePort();
    const bare = `http://127.0.0.1:${port}`;
    const plain = await startTestServer({
      port,
      publicUrl: bare,
      trustedOrigins: [bare, TEST_ORIGIN],
      dashboardDir: distDir,
    });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: "en-US" });
    try {
      const tenant = await createTenant(plain, "Bare");
      await context.addCookies(
        tenant.cookie.split("; ").map((pair) => {
          const at = pair.indexOf("=");
          return { name: pair.slice(0, at), value: pair.slice(at + 1), url: bare };
        }),
      );
      const tab = await context.newPage();
      tab.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await tab.goto(`${bare}/billing`);
      const note = tab.getByRole("status").filter({ hasText: "Paid plans are not available on this server" });
      await note.waitFor();
      expect(await note.textContent()).toContain("STRIPE_SECRET_KEY");
      expect(await note.textContent()).toContain("billing_not_configured");
      await tab.getByRole("meter", { name: "Rows" }).waitFor();
      expect(await tab.locator(".plan").count()).toBe(4);
      expect(await tab.getByRole("button", { name: /^Upgrade to/ }).count()).toBe(0);
      // No Stripe, no subscription to manage: the page does not offer what the server cannot do.
      expect(await tab.getByRole("button", { name: "Open the billing portal" }).count()).toBe(0);
      await tab.getByText("No invoices yet.").waitFor();
      await tab.locator(".loading").first().waitFor({ state: "detached" });
      await screenshot("billing-without-stripe", tab);
      await checkAccessibility("billing-without-stripe", tab);
    } finally {
      await context.close();
      await plain.close();
    }
  }, 120_000);

  it("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(problems).toEqual([]);
  });
});

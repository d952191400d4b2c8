import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customWebhook } from "../../server/src/channels/custom-webhook.js";
import { syntheticShop } from "../../server/src/synthetic/shop.js";
import {
  createTenant,
  ingest,
  setPlan,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
  waitForRun,
} from "../../server/test/helpers/test-server.js";

/**
 * The runtime matrix: the PACKED package (what `npm pack` puts in the tarball, installed into a consumer's
 * node_modules) runs the same smoke flow (runtime-smoke.mjs: list with a filter, iterate pages, watch a run over
 * SSE, verify a webhook) against one embedded reference server, in Node 20 (ESM and CJS), Deno, Bun, Cloudflare's
 * workerd (through miniflare), Vercel's edge runtime and headless Chromium. The last three get the package as a
 * bundler makes it (esbuild, as wrangler and Next do). Nothing is skipped: a missing runtime fails, saying how to
 * install it. Deno, Bun, workerd and the edge runtime are devDependencies of sdk/ (binaries shipped inside npm
 * packages); Chromium is Debian's (scripts/browser.sh).
 */
const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => join(repoDir, "node_modules", ".bin", name);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Fails with how to install it when a runtime is missing: CI must never pass by leaving one out. */
function required(path: string, what: string, install: string): string {
  if (!existsSync(path)) throw new Error(`${what} is missing (no ${path}): ${install}`);
  return path;
}
const fromNpm = (pkg: string) =>
  `run \`npm install\` at the repository's root (sdk/package.json pins ${pkg} as a devDependency)`;

interface SmokeInput {
  baseUrl: string;
  apiKey: string;
  projectId: string;
  pageSize: number;
  batchId: string;
  records: Record<string, unknown>[];
  webhook: { body: string; headers: Record<string, string>; secret: string };
}

let server: TestServer;
let tenant: Tenant;
let customers: number;
let work: string;
let consumer: string;
let webhook: SmokeInput["webhook"];
let page: Server;
let pageOrigin: string;
const flow = readFileSync(join(sdkDir, "test", "runtime-smoke.mjs"), "utf8");

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "segmento-runtimes-"));
  consumer = join(work, "consumer");
  await packAndInstall();
  writeFileSync(join(consumer, "runtime-smoke.mjs"), flow);

  page = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><p>Segmento runtimes</p>");
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;

  server = await startTestServer({ segmentationDebounceMs: 100, trustedOrigins: [TEST_ORIGIN, pageOrigin] });
  tenant = await createTenant(server, "Runtimes");
  await setPlan(server, tenant.orgId, "pro");
  const shop = syntheticShop({ customers: 120, seed: 7, campaign: null });
  customers = new Set(shop.map((r) => r.customer_id)).size;
  await waitForRun(server, tenant, (await ingest(server, tenant, shop)).run_id);
  webhook = await realDelivery();
}, 300_000);

afterAll(async () => {
  if (server) expect(server.app.contractViolations).toEqual([]);
  await server?.close();
  page?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * `npm pack` of the package (its files list, README, LICENSE and CHANGELOG), built fresh into a copy so suites
 * reading sdk/dist meanwhile are undisturbed, then unpacked into a consumer's node_modules as npm installs it.
 */
async function packAndInstall() {
  const staged = join(work, "package");
  mkdirSync(staged);
  for (const file of ["package.json", "README.md", "LICENSE", "CHANGELOG.md"]) {
    copyFileSync(join(sdkDir, file), join(staged, file));
  }
  await run(process.execPath, [join(sdkDir, "scripts/build.mjs"), join(staged, "dist")], { cwd: sdkDir });
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
    cwd: staged,
  });
  const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  const scope = join(consumer, "node_modules", "@segmento");
  mkdirSync(scope, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", scope]);
  await run("mv", [join(scope, "package"), join(scope, "sdk")]);
  // Its one dependency, as installed at the root (no registry needed).
  symlinkSync(
    join(repoDir, "node_modules", "openapi-fetch"),
    join(consumer, "node_modules", "openapi-fetch"),
  );
  const { version } = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8"));
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, dependencies: { "@segmento/sdk": version } }),
  );
}

/** A segment.message as the custom_webhook channel sends it: its body and headers, captured off the wire. */
async function realDelivery(): Promise<SmokeInput["webhook"]> {
  const secret = `whsec_${Buffer.from("a 32-byte secret for runtimes!!!").toString("base64")}`;
  let captured: Request | undefined;
  const result = await customWebhook.send(
    { url: "https://crm.example/hooks/segmento", signingSecret: secret },
    {
      to: { customerKey: "C-1001", email: "ada@example.com" },
      text: "Hi",
      data: {},
      idempotencyKey: "msg_rt_1",
    },
    {
      fetch: async (url, init) => {
        captured = new Request(url, init);
        return new Response(null, { status: 204 });
      },
    },
  );
  expect(result.ok).toBe(true);
  const headers: Record<string, string> = {};
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    headers[name] = captured!.headers.get(name) ?? "";
  }
  return { body: await captured!.text(), headers, secret };
}

let batches = 0;
function input(): SmokeInput {
  batches += 1;
  return {
    baseUrl: server.url,
    apiKey: tenant.apiKey,
    projectId: tenant.projectId,
    pageSize: 50,
    batchId: `runtime-${batches}`,
    records: [
      { customer_id: `RT-${batches}`, order_date: "2026-10-30", amount: 10 + batches },
      { customer_id: "C-1001", order_date: "2026-10-31", amount: 25 },
    ],
    webhook,
  };
}

/** What every runtime must have seen. */
function expectSmoke(result: unknown) {
  const pages = Math.ceil((customers + batches) / 50);
  expect(result).toMatchObject({
    filtered: { allMatch: true, requestId: true },
    run: { id: true, status: "completed", lastStatus: "completed" },
    webhook: { type: "segment.message", customerId: "C-1001" },
    notFound: true,
  });
  const {
    filtered,
    pageSizes,
    run: seen,
  } = result as {
    filtered: { count: number };
    pageSizes: number[];
    run: { stages: string[] };
  };
  expect(filtered.count).toBeGreaterThan(0);
  // The customers before this runtime's batch: every page but the last is full.
  expect(pageSizes.length).toBeGreaterThanOrEqual(pages - 1);
  expect(pageSizes.slice(0, -1).every((size) => size === 50)).toBe(true);
  expect(pageSizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(customers);
  expect(seen.stages).toEqual(expect.arrayContaining(["ingest", "segmentation"]));
}

/** A script that loads the package its own way and prints the flow's result as JSON. */
const esmScript = (data: SmokeInput) => `import * as sdk from "@segmento/sdk";
import { smoke } from "./runtime-smoke.mjs";
console.log(JSON.stringify(await smoke(sdk, ${JSON.stringify(data)})));
`;

async function runScript(command: string, args: string[], file: string, source: string) {
  writeFileSync(join(consumer, file), source);
  const env = { PATH: process.env.PATH ?? "", HOME: work, DENO_DIR: join(work, "deno"), NO_COLOR: "1" };
  const { stdout } = await run(command, [...args, file], { cwd: consumer, env, timeout: 120_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
}

/** The package bundled for a platform without node_modules, with the flow behind a fetch handler or a global. */
async function bundle(entry: string, conditions: string[]): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: consumer, loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    conditions,
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/** A service worker (the syntax workerd and the edge runtime share) that runs the flow on the posted input. */
const serviceWorker = `import * as sdk from "@segmento/sdk";
import { smoke } from "./runtime-smoke.mjs";
addEventListener("fetch", (event) => {
  event.respondWith(
    event.request
      .json()
      .then((data) => smoke(sdk, data))
      .then(
        (result) => new Response(JSON.stringify(result), { headers: { "content-type": "application/json" } }),
        (error) => new Response(String(error && error.stack ? error.stack : error), { status: 500 }),
      ),
  );
});
`;

async function answer(response: Response) {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`the worker failed: ${text}`);
  return JSON.parse(text);
}

describe("the packed @segmento/sdk runs the smoke flow", () => {
  it("in Node 20 as ESM", async () => {
    expectSmoke(await runScript(process.execPath, [], "node-esm.mjs", esmScript(input())));
  });

  it("in Node 20 as CommonJS", async () => {
    const script = `const sdk = require("@segmento/sdk");
import("./runtime-smoke.mjs")
  .then(({ smoke }) => smoke(sdk, ${JSON.stringify(input())}))
  .then((result) => console.log(JSON.stringify(result)));
`;
    expectSmoke(await runScript(process.execPath, [], "node-cjs.cjs", script));
  });

  it("in Deno, without environment permissions", async () => {
    const deno = required(bin("deno"), "Deno", fromNpm("deno"));
    const { port } = new URL(server.url);
    const args = ["run", "--no-prompt", "--node-modules-dir=manual", `--allow-net=127.0.0.1:${port}`];
    expectSmoke(await runScript(deno, args, "deno.mjs", esmScript(input())));
  });

  it("in Bun", async () => {
    const bun = required(bin("bun"), "Bun", fromNpm("bun"));
    expectSmoke(await runScript(bun, ["run"], "bun.mjs", esmScript(input())));
  });

  it("in Cloudflare workerd, through miniflare", async () => {
    required(bin("workerd"), "workerd", fromNpm("miniflare"));
    const { Miniflare } = await import("miniflare");
    const script = await bundle(serviceWorker, ["workerd", "worker", "browser"]);
    const worker = new Miniflare({ script, compatibilityDate: "2026-04-01" });
    try {
      const response = await worker.dispatchFetch("http://worker/", {
        method: "POST",
        body: JSON.stringify(input()),
      });
      expectSmoke(await answer(response as unknown as Response));
    } finally {
      await worker.dispose();
    }
  });

  it("in Vercel's edge runtime", async () => {
    required(
      join(repoDir, "node_modules", "edge-runtime", "package.json"),
      "edge-runtime",
      fromNpm("edge-runtime"),
    );
    const { EdgeRuntime } = await import("edge-runtime");
    const runtime = new EdgeRuntime({
      initialCode: await bundle(serviceWorker, ["edge-light", "worker", "browser"]),
    });
    const response = await runtime.dispatchFetch("http://edge/", {
      method: "POST",
      body: JSON.stringify(input()),
    });
    await response.waitUntil();
    expectSmoke(await answer(response));
  });

  it("in headless Chromium, across origins", async () => {
    const executablePath = required(CHROMIUM, "Chromium", "run scripts/browser.sh (or set CHROMIUM_PATH)");
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(pageOrigin);
      const entry = `import * as sdk from "@segmento/sdk";
import { smoke } from "./runtime-smoke.mjs";
globalThis.segmentoSmoke = (data) => smoke(sdk, data);
`;
      await tab.addScriptTag({ content: await bundle(entry, ["browser"]) });
      expectSmoke(await tab.evaluate(`segmentoSmoke(${JSON.stringify(input())})`));
    } finally {
      await browser.close();
    }
  });
});

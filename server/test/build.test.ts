import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSiteBuilt } from "../../docs-site/snippets/site-build.js";
import { syntheticShop } from "../src/synthetic/shop.js";
import { createTenant, followPipeline, ingest, serverAt, TEST_ORIGIN } from "./helpers/test-server.js";

/**
 * The production build: `npm run build -w server` compiles the server to plain JavaScript, and
 * `node server/dist/cli.js start` serves the API (a whole pipeline run, so the Engine's threads load too), the
 * dashboard and the docs with no TypeScript loader anywhere in the process. A preload records every module URL
 * each thread resolves (node passes `--import` on to worker threads), so the test sees what actually loaded.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

let child: ChildProcess;
let url: string;
const work = mkdtempSync(path.join(tmpdir(), "segmento-build-"));
const loadedLog = path.join(work, "loaded.txt");

beforeAll(async () => {
  await run("npm", ["run", "build", "-w", "server"], { cwd: ROOT });
  // CI builds both sites before the tests; a fresh checkout builds what is missing.
  if (!existsSync(path.join(ROOT, "examples/dashboard/dist/index.html")))
    await run("npm", ["run", "build:dashboard"], { cwd: ROOT });
  await ensureSiteBuilt();

  const observer = path.join(work, "observe-modules.mjs");
  const hooks = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(loadedLog)}, resolved.url + "\\n");
  return resolved;
}`;
  writeFileSync(
    observer,
    `import { register } from "node:module";\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});\n`,
  );
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  child = spawn(process.execPath, ["--import", observer, "server/dist/cli.js", "start"], {
    cwd: ROOT,
    env: {
      ...env,
      PORT: "0",
      LOG_LEVEL: "info",
      SEGMENTO_DATA_DIR: path.join(work, "data"),
      TRUSTED_ORIGINS: TEST_ORIGIN,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  url = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.includes("Segmento listening on"));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once("exit", (code) => reject(new Error(`the built server exited with ${code}`)));
  });
}, 900_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});

describe("the compiled server", () => {
  it("runs a pipeline, its Engine threads included, on plain JavaScript with source maps", async () => {
    const server = serverAt(url);
    const tenant = await createTenant(server, "Built");
    const job = await ingest(server, tenant, syntheticShop({ customers: 60, seed: 3, campaign: null }));
    const stages = await followPipeline(server, tenant, job.job_id);
    expect(stages.map((s) => s.status)).toEqual(["completed", "completed", "completed", "completed"]);

    const loaded = readFileSync(loadedLog, "utf8").split("\n").filter(Boolean);
    const ours = loaded.filter((u) => u.startsWith("file:") && !u.includes("/node_modules/"));
    expect(ours).toContain(new URL("server/dist/cli.js", `file://${ROOT}`).href);
    expect(ours).toContain(new URL("server/dist/jobs/engine-thread.js", `file://${ROOT}`).href);
    expect(loaded.filter((u) => u.includes("/node_modules/tsx/") || /\.[cm]?tsx?$/.test(u))).toEqual([]);
    expect(existsSync(path.join(ROOT, "server/dist/cli.js.map"))).toBe(true);
  });

  it("serves the dashboard at / and the documentation at /docs", async () => {
    const dashboard = await fetch(`${url}/`, { headers: { accept: "text/html" } });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<div id="app"');
    const docs = await fetch(`${url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("VitePress");
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticShop } from "../server/src/synthetic/shop.js";
import {
  createTenant,
  followPipeline,
  ingest,
  startTestServer,
  TEST_ORIGIN,
  type Tenant,
  type TestServer,
} from "../server/test/helpers/test-server.js";

/** Every ```bash block of every page runs against a real server, with the docs' local base URL pointed at it. */
const docsDir = fileURLToPath(new URL("./docs", import.meta.url));
const pages = readdirSync(docsDir).filter((f) => f.endsWith(".md"));
const DOCS_BASE = "http://localhost:3001";

let server: TestServer;
let tenant: Tenant;
beforeAll(async () => {
  server = await startTestServer({ trustedOrigins: [TEST_ORIGIN], segmentationDebounceMs: 100 });
  tenant = await createTenant(server, "Docs");
  // Scored customers for the pages about them: a small synthetic shop through the whole pipeline.
  const accepted = await ingest(server, tenant, syntheticShop({ customers: 300, seed: 5 }));
  await followPipeline(server, tenant, accepted.job_id);
}, 120_000);
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe.each(pages)("docs-site/docs/%s", (page) => {
  const text = readFileSync(path.join(docsDir, page), "utf8");
  const snippets = [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

  it("has runnable snippets", () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  it.each(snippets.map((s, i) => [i + 1, s] as const))("snippet %i runs as written", async (_n, snippet) => {
    const cwd = mkdtempSync(path.join(tmpdir(), "segmento-docs-"));
    // Each run signs up a fresh user, so the page's fixed example email gets a unique twin.
    const script = snippet
      .replaceAll(DOCS_BASE, server.url)
      .replaceAll("ada@example.com", `ada.${path.basename(cwd).slice(-6).toLowerCase()}@example.com`);
    // The variables the pages tell readers to set.
    const env = { ...process.env, SEGMENTO_API_KEY: tenant.apiKey, PROJECT_ID: tenant.projectId };
    const result = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], { cwd, env }).catch(
      (e) => e,
    );
    expect(result.stderr ?? "", `snippet failed:\n${snippet}`).toBe("");
    expect(result.code ?? 0, `snippet exited non-zero:\n${snippet}\n${result.stdout}`).toBe(0);
  });
});
